//! Keystroke latency of the interactive shell: completion and highlighting of a
//! 200-character line against a tenant-sized completion source (the target is < 5 ms).
//!
//! Run: `cargo bench --bench repl_latency` (add `--profile dev` for a debug build).
//! Prints median, p99 and max per operation.

use exosh::repl::{CompletionSource, ParamInfo, complete, highlight};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// 600 commands, 40 parameters each, 5,000 batches and 20,000 users: more than a tenant
/// a migration admin completes against.
struct BigSource {
    commands: Vec<String>,
    batches: Vec<String>,
    users: Vec<String>,
}

impl BigSource {
    fn new() -> BigSource {
        let verbs = ["Get", "New", "Set", "Remove", "Start", "Stop", "Complete", "Test", "Resume", "Suspend"];
        let mut commands = Vec::new();
        for n in 0..60 {
            for v in verbs {
                commands.push(format!("{v}-Migration{}Noun{n}", if n % 2 == 0 { "Batch" } else { "User" }));
            }
        }
        commands.extend(
            ["Get-MigrationBatch", "Get-MigrationUser", "Where-Object", "ForEach-Object", "Format-Table"]
                .map(String::from),
        );
        BigSource {
            commands,
            batches: (0..5_000).map(|i| format!("IMAPBatch{i:05}")).collect(),
            users: (0..20_000).map(|i| format!("user{i:05}@contoso.com")).collect(),
        }
    }
}

impl CompletionSource for BigSource {
    fn command_names(&self) -> Vec<String> {
        self.commands.clone()
    }
    fn parameters(&self, _command: &str) -> Vec<ParamInfo> {
        let mut out: Vec<ParamInfo> = (0..40)
            .map(|i| ParamInfo { name: format!("Parameter{i:02}"), type_name: "String".into(), ..ParamInfo::default() })
            .collect();
        out.push(ParamInfo {
            name: "Identity".into(),
            type_name: "MigrationBatchIdParameter".into(),
            position: Some(0),
            ..ParamInfo::default()
        });
        out.push(ParamInfo {
            name: "BatchId".into(),
            type_name: "MigrationBatchIdParameter".into(),
            ..ParamInfo::default()
        });
        out.push(ParamInfo {
            name: "Status".into(),
            type_name: "MigrationBatchStatus".into(),
            values: ["Created", "Syncing", "Synced", "Stopped", "Failed", "Completed"].map(String::from).to_vec(),
            ..ParamInfo::default()
        });
        out
    }
    fn variables(&self) -> Vec<String> {
        (0..200).map(|i| format!("var{i}")).collect()
    }
    fn identities(&self, _command: &str, parameter: &str, _word: &str) -> Vec<String> {
        if parameter == "BatchId" { self.batches.clone() } else { self.users.clone() }
    }
    fn members(&self, _expr_text: &str) -> Vec<String> {
        (0..60).map(|i| format!("Property{i}")).collect()
    }
    fn location(&self) -> String {
        std::env::temp_dir().to_string_lossy().into_owned()
    }
}

/// CPU time of this thread: on a loaded machine, wall-clock time mostly measures the
/// scheduler; this measures the work.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    (times[times.len() / 2], times[times.len() * 99 / 100])
}

/// Prints wall-clock and CPU median and p99; returns the CPU p99.
fn measure(name: &str, iterations: usize, mut f: impl FnMut()) -> Duration {
    for _ in 0..10 {
        f();
    }
    let mut wall = Vec::with_capacity(iterations);
    let mut cpu = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let (t, c) = (Instant::now(), thread_cpu());
        f();
        cpu.push(thread_cpu().saturating_sub(c));
        wall.push(t.elapsed());
    }
    let (wall_median, wall_p99) = percentiles(wall);
    let (cpu_median, cpu_p99) = percentiles(cpu);
    println!(
        "{name:<52} cpu median {cpu_median:>9.3?} p99 {cpu_p99:>9.3?} | wall median {wall_median:>9.3?} p99 {wall_p99:>9.3?}"
    );
    cpu_p99
}

fn pad_to_200(prefix: &str, tail: &str) -> String {
    let mut line = prefix.to_string();
    while line.len() + tail.len() < 200 {
        line.push_str(" -Parameter01 'abc'");
    }
    line.truncate(200 - tail.len());
    line.push_str(tail);
    line
}

fn main() {
    let src = BigSource::new();
    let known = |n: &str| src.commands.iter().any(|c| c.eq_ignore_ascii_case(n));
    let base = "Get-MigrationBatch -Status Syncing | Where-Object { $_.TotalCount -gt 10 -and $_.Identity -like 'IMAP*' } | ForEach-Object { Get-MigrationUser -BatchId $_.Identity } | Format-Table Identity,Status";
    let cases = [
        ("command name (Get-MigB, abbreviation)", pad_to_200(base, " | Get-MigB")),
        ("parameter (-Param)", pad_to_200("Get-MigrationBatch", " -Param")),
        ("enum value (-Status Sy)", pad_to_200("Get-MigrationBatch", " -Status Sy")),
        ("identity of 5,000 batches (-BatchId IMAPBatch04)", pad_to_200("Get-MigrationUser", " -BatchId IMAPBatch04")),
        (
            "identity of 20,000 users (positional)",
            pad_to_200("Get-MigrationUser -BatchId x |  Get-MigrationUser", " user1"),
        ),
        ("variable ($va)", pad_to_200(base, "; $va")),
        ("member ($b.Prop)", pad_to_200(base, "; $b.Prop")),
    ];
    // What the source itself costs (cloning 20,000 names), for comparison.
    measure("source alone: identities() of 20,000 users", 300, || {
        black_box(src.identities("Get-MigrationUser", "Identity", "user1"));
    });
    let mut worst = Duration::ZERO;
    for (name, line) in &cases {
        assert_eq!(line.len(), 200, "{name}");
        let p99 = measure(&format!("complete: {name}"), 300, || {
            black_box(complete(black_box(line), line.len(), &src));
        });
        worst = worst.max(p99);
    }
    for (name, line) in [("highlight: pipeline", &cases[0].1), ("highlight: parameters and strings", &cases[1].1)] {
        let p99 = measure(name, 1000, || {
            black_box(highlight(black_box(line), &known));
        });
        worst = worst.max(p99);
    }
    println!("worst cpu p99: {worst:.3?} (target < 5 ms)");
}
