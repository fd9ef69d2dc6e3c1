//! Redirections as pwsh applies them, through the real binary and real files:
//! `2>&1` hands error records to the next command, `> file` / `>> file` / `*> file` write
//! what Out-File would write, `2> file` takes only errors, `3>$null` / `6>$null` silence
//! warnings and Write-Host, and a later command's streams are not taken by an earlier
//! command's redirection.

use std::process::Command;

#[test]
fn redirections_route_each_stream_where_pwsh_sends_it() {
    let dir = tempfile::tempdir().unwrap();
    let script = r#"
function f { "out1"; Write-Error "bad1"; Write-Warning "warn1"; Write-Host "host1"; "out2" }
f 2>&1 | ForEach-Object { "got " + ($_ -is [System.Management.Automation.ErrorRecord]) + " " + $_ }
f > out.txt 3>$null 6>$null
f *> all.txt
f 2> err.txt 3>$null 6>$null
"line1" > ap.txt; "line2" >> ap.txt
Write-Host "hidden" 6>$null
Write-Warning "quiet" 3>$null
$x = f 2>&1 3>&1 6>$null
"captured $($x.Count)"
Get-Item ./nope 2>&1 | ForEach-Object { Write-Error "inner $($_.Exception.Message)" }
"done"
"#;
    let path = dir.path().join("t.ps1");
    std::fs::write(&path, script).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_exosh"))
        .args(["-NoProfile", "-NonInteractive", "-File"])
        .arg(&path)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let read = |n: &str| std::fs::read_to_string(dir.path().join(n)).unwrap();

    // 2>&1: the error record travels to ForEach-Object, in the output stream.
    assert!(stdout.contains("got False out1\n"), "{stdout}");
    assert!(stdout.contains("got True bad1\n"), "{stdout}");
    assert!(stdout.contains("got False out2\n"), "{stdout}");
    // > file: only the success stream; the error still reaches the console.
    assert_eq!(read("out.txt"), "out1\nout2\n");
    // *> file: every stream, in the order written.
    let all = read("all.txt");
    let order: Vec<usize> = ["out1\n", "| bad1\n", "WARNING: warn1\n", "\nhost1\n", "\nout2\n"]
        .iter()
        .map(|s| all.find(s).unwrap_or(usize::MAX))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{all}");
    // 2> file: only the error, as the console shows it.
    let err = read("err.txt");
    assert!(err.contains("| bad1\n") && !err.starts_with("out1") && !err.contains("WARNING"), "{err}");
    assert_eq!(read("ap.txt"), "line1\nline2\n");
    assert!(!stdout.contains("hidden") && !stdout.contains("quiet"), "{stdout}");
    assert!(stdout.contains("captured 4\n"), "{stdout}");
    // The later command's error is its own (not taken by Get-Item's 2>&1).
    assert!(stderr.contains("inner Cannot find path"), "{stderr}");
    assert!(stdout.contains("done\n"), "{stdout}");
    // f's error printed for `f > out.txt` (not redirected) and nowhere else on stderr.
    assert_eq!(stderr.matches("| bad1\n").count(), 1, "{stderr}");
}
