//! Parse throughput on the real corpus: `cargo bench --bench parse`.
//!
//! Parses every ../shared/corpus script (and the conformance cases) repeatedly
//! on one thread and reports MB/s; then times `exosh --check` on a 600-line
//! script (process start included) if the release binary exists.

use std::path::PathBuf;
use std::time::{Duration, Instant};

fn shared() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [root.join("../shared"), root.join("../../shared")].into_iter().find(|c| c.join("corpus/INDEX.tsv").exists())
}

/// CPU time of this thread: the machine may be shared, wall time alone misleads.
fn thread_cpu_secs() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

fn main() {
    let Some(shared) = shared() else {
        eprintln!("parse bench: ../shared/corpus not found");
        return;
    };
    let mut sources = Vec::new();
    for e in std::fs::read_dir(shared.join("corpus")).into_iter().flatten().flatten() {
        if e.path().extension().is_some_and(|x| x == "ps1")
            && let Ok(bytes) = std::fs::read(e.path())
        {
            sources.push(exosh::cli::decode_script(&bytes));
        }
    }
    let bytes: usize = sources.iter().map(String::len).sum();
    // Warm up, then run for at least two seconds.
    for s in &sources {
        let _ = exosh::syntax::parse(s);
    }
    let start = Instant::now();
    let cpu0 = thread_cpu_secs();
    let mut rounds = 0u32;
    while start.elapsed() < Duration::from_secs(2) {
        for s in &sources {
            std::hint::black_box(exosh::syntax::parse(std::hint::black_box(s)).is_ok());
        }
        rounds += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = thread_cpu_secs() - cpu0;
    let mb = bytes as f64 * f64::from(rounds) / 1e6;
    println!(
        "parse: {} files, {:.1} KB, {} rounds in {:.2}s wall / {:.2}s CPU: {:.1} MB/s wall, {:.1} MB per CPU-second (one thread)",
        sources.len(),
        bytes as f64 / 1e3,
        rounds,
        secs,
        cpu,
        mb / secs,
        mb / cpu
    );

    // `exosh --check` on a 600-line script, wall time including process start.
    let exe = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/exosh");
    if !exe.exists() {
        println!("check: build target/release/exosh to time `exosh --check` on 600 lines");
        return;
    }
    // Whole files keep their brackets balanced: take files until 600 lines, each
    // as a function body (a param block is only valid at the start of a block).
    let mut script = String::new();
    let mut n = 0;
    for (i, s) in sources.iter().enumerate() {
        if n >= 600 {
            break;
        }
        if exosh::syntax::parse(s).is_ok() {
            script.push_str(&format!("function Bench{i} {{\n{s}\n}}\n"));
            n += s.lines().count() + 2;
        }
    }
    let path = std::env::temp_dir().join("exosh-bench-600.ps1");
    if std::fs::write(&path, &script).is_err() {
        return;
    }
    let mut best = Duration::MAX;
    for _ in 0..10 {
        let t = Instant::now();
        let ok = std::process::Command::new(&exe).arg("--check").arg(&path).status().is_ok_and(|s| s.success());
        best = best.min(t.elapsed());
        if !ok {
            println!("check: exosh --check failed on {}", path.display());
            return;
        }
    }
    println!(
        "check: exosh --check on {n} lines: best of 10 {:.1} ms (process start included)",
        best.as_secs_f64() * 1e3
    );
}
