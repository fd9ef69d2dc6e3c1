//! Every example declared in the Exchange cmdlets' signatures (the
//! documented examples of ../shared/reference/cmdlets.md) runs through the
//! binary against a tenant holding the objects they name: none may fail to
//! parse or bind (unknown parameter, missing mandatory parameter, ambiguous
//! set, bad conversion), and the cmdlet must have run (any error is one of
//! the cmdlet's own, with its name as prefix).

use exosh::runtime::command::Registry;
use std::path::Path;
use std::process::Command;

fn exosh(home: &Path, script: &str) -> (String, String) {
    let file = home.join("example.ps1");
    std::fs::write(&file, script).expect("script");
    let o = Command::new(env!("CARGO_BIN_EXE_exosh"))
        .args(["-NoProfile", "-NonInteractive", "-File"])
        .arg(&file)
        .env("EXOSH_HOME", home)
        .output()
        .expect("exosh runs");
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

const FIXTURE: &str = "New-AcceptedDomain -Name contoso.com -DomainName contoso.com | Out-Null
New-AcceptedDomain -Name corp.contoso.com -DomainName corp.contoso.com | Out-Null
foreach ($n in 'terrya','annb','Chris','AylaKol','laura','TonySmith') { New-Mailbox -Shared -Name $n -PrimarySmtpAddress \"$n@contoso.com\" | Out-Null }
New-Mailbox -Shared -Name 'John Rodman' -Alias jrodman | Out-Null
New-Mailbox -Shared -Name davidp -PrimarySmtpAddress davidp@corp.contoso.com | Out-Null
New-MigrationEndpoint -IMAP -Name IMAPEndpoint -RemoteServer imap.contoso.com -SkipVerification | Out-Null
New-MigrationBatch -Name IMAPBatch1 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('CSV1')) | Out-Null
New-MigrationBatch -Name MigrationBatch01 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('CSV2')) | Out-Null
New-MigrationBatch -Name StagedBatch1 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('CSV3')) | Out-Null
";

/// Messages of parse and bind failures, which an example must never produce.
const BIND_FAILURES: &[&str] = &[
    "A parameter cannot be found that matches parameter name",
    "Cannot process command because of one or more missing mandatory parameters",
    "Parameter set cannot be resolved",
    "Missing an argument for parameter",
    "ParserError",
    "positional parameter cannot be found",
    "Cannot bind parameter",
    "Cannot convert",
];

#[test]
fn every_documented_example_binds_and_runs() {
    let mut r = Registry::default();
    exosh::cmdlets::exchange::register(&mut r);
    let names: Vec<String> = r.signatures().iter().map(|s| s.name.clone()).collect();
    // One fixture tenant, copied for each example.
    let base = tempfile::tempdir().expect("tempdir");
    let csv = |n: &str, rows: &[&str]| {
        let p = base.path().join(n);
        let mut t = String::from("EmailAddress,UserName,Password\n");
        for r in rows {
            t.push_str(&format!("{r}@contoso.com,{r},pw\n"));
        }
        std::fs::write(&p, t).expect("csv");
        p.display().to_string()
    };
    let fixture = FIXTURE
        .replace("CSV1", &csv("a.csv", &["terrya"]))
        .replace("CSV2", &csv("b.csv", &["laura"]))
        .replace("CSV3", &csv("c.csv", &["TonySmith"]));
    let new_rows = csv("new.csv", &["annb"]);
    let (_, err) = exosh(base.path(), &fixture);
    assert_eq!(err, "", "fixture");
    let mut count = 0;
    for sig in r.signatures() {
        assert!(
            !sig.examples.is_empty() || sig.name.contains("able-Mailbox") || sig.name == "Set-OrganizationConfig",
            "{} has no example",
            sig.name
        );
        for ex in &sig.examples {
            let dir = tempfile::tempdir().expect("tempdir");
            let home = dir.path();
            copy_dir(base.path(), home);
            // The Windows paths of the documentation point at a real CSV here.
            let code = ex
                .code
                .replace("C:\\Users\\Administrator\\Desktop\\IMAPmigration_1.csv", &new_rows)
                .replace("C:\\Data\\MigrationBatch01.csv", &new_rows)
                .replace("IMAPEndpoint1", "IMAPEndpoint")
                .replace("-Name IMAPbatch1", "-Name IMAPbatchX")
                .replace("-Name IMAPBatch1 -SourceEndpoint", "-Name IMAPBatchY -SourceEndpoint");
            let (out, err) = exosh(home, &code);
            for f in BIND_FAILURES {
                assert!(!err.contains(f), "example of {}: {code}\n{err}", sig.name);
            }
            for line in err.lines().filter(|l| l.contains(": ") && !l.starts_with(' ')) {
                let prefix = line.split(':').next().unwrap_or("");
                if names.iter().any(|n| n.eq_ignore_ascii_case(prefix)) {
                    continue;
                }
                // A command of another layer that does not exist yet (e.g.
                // Format-List) is reported, not counted against the example.
                assert!(err.contains("is not recognized"), "example of {}: {code}\nunexpected error: {err}", sig.name);
                assert!(!names.iter().any(|n| err.contains(&format!("The term '{n}' is not recognized"))), "{err}");
                eprintln!("note: example of {} needs a command outside exosh's Exchange layer: {line}", sig.name);
            }
            let _ = out;
            count += 1;
        }
    }
    assert!(count >= 60, "only {count} examples");
}

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}
