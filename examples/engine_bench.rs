//! Drive the migration engine directly against a running imap-lab source (no PowerShell):
//! migrate users into fresh Maildir++ directories and print one line in the format of
//! ../shared/bench/run-exosh.sh, so it can sit beside `run-anchor.sh dsync` /
//! `mbsync-maildir` figures of the same run.
//!
//!     cargo run --release --example engine_bench -- --port 15143 --users 20 --parallel 4 \
//!         --dest /tmp/engine-bench/dst [--security none|starttls|ssl] [--conns 3] [--repeat-incremental]
//!         [--passes N] [--no-condstore]
//!
//! `--repeat-incremental` runs N (default 1) incremental passes after the first one, each
//! with the state the previous pass left (CONDSTORE/CHANGEDSINCE when the server offers
//! it, or a full flag scan with `--no-condstore`); the peak RSS printed for an incremental
//! pass is that pass's own (VmHWM is reset before it).
//!
//! Users are user001..userNNN with password `secret` (imap-lab defaults). The destination
//! mailbox of userNNN is DEST/userNNN@bench.test (the layout run-exosh.sh verifies).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use exosh::engine::*;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<f64>().ok()))
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let port: u16 = arg(&args, "--port").ok_or("--port")?.parse()?;
    let users: usize = arg(&args, "--users").unwrap_or_else(|| "1".into()).parse()?;
    let parallel: usize = arg(&args, "--parallel").unwrap_or_else(|| "1".into()).parse()?;
    let dest = PathBuf::from(arg(&args, "--dest").ok_or("--dest")?);
    let conns: usize = arg(&args, "--conns").unwrap_or_else(|| "3".into()).parse()?;
    let (security, label) = match arg(&args, "--security").as_deref() {
        Some("starttls") => (Security::Tls, "starttls"),
        Some("ssl") => (Security::Ssl, "ssl"),
        _ => (Security::None, "none"),
    };
    let repeat = args.iter().any(|a| a == "--repeat-incremental");
    // extra incremental passes after the first one (with --repeat-incremental)
    let extra: usize = arg(&args, "--passes").map(|n| n.parse()).transpose()?.unwrap_or(1);
    let mut config = EngineConfig::default();
    config.tuning.connections_per_mailbox = conns;
    if let Some(n) = arg(&args, "--inflight") {
        config.tuning.flushes_in_flight = n.parse()?;
    }
    if let Some(n) = arg(&args, "--group") {
        config.tuning.group_messages = n.parse()?;
    }
    // incremental passes scan every message's flags instead of asking CHANGEDSINCE
    config.tuning.condstore = !args.iter().any(|a| a == "--no-condstore");
    let engine = Engine::new(config)?;
    let server = ServerSpec {
        host: "127.0.0.1".into(),
        port,
        security,
        accept_untrusted_certificates: true,
        authentication: Authentication::Basic,
    };
    let mut previous: Vec<Vec<FolderSyncState>> = vec![Vec::new(); users];
    let passes = if repeat { 1 + extra.max(1) } else { 1 };
    // one sink for all passes: it keeps the UID map the incremental passes consult
    let sink = Arc::new(MemorySink::without_events());
    for pass in 0..passes {
        if pass > 0 {
            // peak RSS of the incremental pass alone (Linux: "5" resets VmHWM)
            let _ = std::fs::write("/proc/self/clear_refs", "5");
        }
        let jobs: Vec<JobSpec> = (1..=users)
            .map(|i| JobSpec {
                job_id: format!("user{i:03}"),
                server: server.clone(),
                credentials: Credentials {
                    user_name: format!("user{i:03}"),
                    password: "secret".into(),
                    user_root: None,
                },
                destination: dest.join(format!("user{i:03}@bench.test")),
                exclude_folders: vec![],
                limits: Limits::default(),
                previous: previous[i - 1].clone(),
            })
            .collect();
        let batch = format!("bench{pass}");
        let t0 = Instant::now();
        engine.start_batch(
            BatchSpec { batch_id: batch.clone(), endpoint_id: "src".into(), max_concurrent_migrations: parallel, jobs },
            sink.clone(),
        )?;
        engine.wait_batch(&batch, Duration::from_secs(24 * 3600));
        let wall = t0.elapsed().as_secs_f64();
        let p = engine.batch_progress(&batch).ok_or("no progress")?;
        let msgs: u64 = p.users.iter().map(|u| u.synced_items).sum();
        let skipped: u64 = p.users.iter().map(|u| u.skipped_items).sum();
        let flags: u64 = p.users.iter().map(|u| u.flags_updated).sum();
        let bytes: u64 = p.users.iter().map(|u| u.bytes_transferred).sum();
        for u in &p.users {
            if u.state != UserState::Synced {
                eprintln!("{}: {} {:?}", u.job_id, u.state.as_str(), u.error.as_ref().map(|e| &e.message));
            }
            if let Some(i) = u.job_id.strip_prefix("user").and_then(|n| n.parse::<usize>().ok()) {
                previous[i - 1] = u.previous();
            }
        }
        let name = if pass == 0 { "initial" } else { "incremental" };
        let shown = if pass == 0 { msgs } else { p.users.iter().map(|u| u.total_items).sum() };
        println!(
            "exosh-engine {name:<11} users={users} parallel={parallel} tls={label} conns={conns} wall={wall:.2}s msgs={shown} copied={msgs} skipped={skipped} flags={flags} -> {:.1} msgs/s {:.2} MB/s | peakRSS={:.1} MB",
            shown as f64 / wall,
            bytes as f64 / wall / 1e6,
            peak_rss_mb()
        );
    }
    Ok(())
}
