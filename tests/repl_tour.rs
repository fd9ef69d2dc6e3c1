//! Replays the transcripts of docs/repl.md (tests/tour) against the completer and the
//! validator over the fake completion source of examples/repl_fake.rs.
//! tests/repl_tour_exosh.rs replays the same transcripts against the real shell.

#[path = "../examples/repl_fake.rs"]
#[allow(dead_code)]
mod repl_fake;

mod tour;

use exosh::repl::complete;

#[test]
fn the_tour_replays() {
    tour::replay(&repl_fake::Source::default());
}

#[test]
fn paths_complete_relative_to_the_location() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("users.csv"), "EmailAddress,UserName,Password\n").unwrap();
    let source = repl_fake::Source::at(dir.path().to_str().unwrap());
    let line = "New-MigrationBatch -Name B -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes('./us";
    let c = complete(line, line.len(), &source);
    assert_eq!(c.apply_first(line).unwrap(), format!("{}ers.csv", line));
    let c = complete("Import-Csv u", 12, &source);
    assert_eq!(c.values(), vec!["users.csv"]);
}
