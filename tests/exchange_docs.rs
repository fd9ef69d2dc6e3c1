//! docs/cmdlets.md is generated from the Exchange cmdlets' signatures and
//! must not be stale.

#[test]
fn cmdlets_doc_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cmdlets.md");
    let want = exosh::cmdlets::exchange::docs::cmdlets_markdown();
    if std::env::var_os("EXOSH_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).expect("write docs/cmdlets.md");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(have == want, "docs/cmdlets.md is stale: run EXOSH_UPDATE_DOCS=1 cargo test --test exchange_docs");
    assert!(want.contains("| New-MigrationBatch |"));
    assert!(want.contains("New-MigrationEndpoint [-IMAP]") || want.contains("New-MigrationEndpoint -IMAP"));
}
