//! docs/cmdlets.md, generated from the signatures (a test fails when the
//! file is stale; `EXOSH_UPDATE_DOCS=1 cargo test --test exchange_docs`
//! rewrites it).

use crate::runtime::command::Registry;

/// The supported Exchange cmdlets as Markdown: a table, then each cmdlet's
/// syntax lines and examples.
pub fn cmdlets_markdown() -> String {
    let mut r = Registry::default();
    super::register(&mut r);
    let sigs = r.signatures();
    let mut s = String::from(
        "# Supported Exchange cmdlets\n\n\
         Generated from the cmdlets' signatures (`src/cmdlets/exchange`); do not edit by hand \
         (`EXOSH_UPDATE_DOCS=1 cargo test --test exchange_docs` rewrites it).\n\n\
         The cmdlets act on the local tenant at `$EXOSH_HOME` (SQLite + Maildir++). Parameters that \
         Exchange Online documents as on-premises only are not declared, so the binder rejects them \
         with PowerShell's \"A parameter cannot be found that matches parameter name\" error. \
         Exchange families outside the product (hybrid, move requests, connectors, public folders, \
         policies, permissions) are not commands; calling one gives a \"not emulated by exosh\" error.\n\n\
         | Cmdlet | What it does | -WhatIf/-Confirm |\n|---|---|---|\n",
    );
    for sig in &sigs {
        s.push_str(&format!(
            "| {} | {} | {} |\n",
            sig.name,
            sig.synopsis.replace('|', "\\|"),
            if sig.supports_should_process { "yes" } else { "" }
        ));
    }
    for sig in &sigs {
        s.push_str(&format!("\n## {}\n\n{}\n\n```\n", sig.name, sig.synopsis));
        for line in sig.syntax() {
            s.push_str(&line);
            s.push('\n');
        }
        s.push_str("```\n");
        if !sig.examples.is_empty() {
            s.push_str("\nExamples:\n\n```powershell\n");
            for e in &sig.examples {
                s.push_str(&format!("# {}\n{}\n", e.description, e.code));
            }
            s.push_str("```\n");
        }
    }
    s
}
