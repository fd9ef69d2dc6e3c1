//! A fake completion source and host for the unit tests (not part of the product).

use super::{CompletionSource, ExecOutcome, ParamInfo, ReplHost};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

fn p(name: &str, type_name: &str, position: Option<u32>, help: &str) -> ParamInfo {
    ParamInfo {
        name: name.into(),
        type_name: type_name.into(),
        position,
        help: help.into(),
        is_switch: type_name == "SwitchParameter",
        ..ParamInfo::default()
    }
}

fn with_values(mut p: ParamInfo, values: &[&str]) -> ParamInfo {
    p.values = values.iter().map(|v| v.to_string()).collect();
    p
}

fn common() -> Vec<ParamInfo> {
    let mut confirm = p("Confirm", "SwitchParameter", None, "Prompts you for confirmation");
    confirm.aliases = vec!["cf".into()];
    vec![confirm, p("Verbose", "SwitchParameter", None, "")]
}

#[derive(Debug, Clone)]
pub(crate) struct FakeSource {
    location: String,
}

impl FakeSource {
    pub(crate) fn new() -> FakeSource {
        FakeSource { location: "/".into() }
    }

    pub(crate) fn at(mut self, location: &str) -> FakeSource {
        self.location = location.into();
        self
    }
}

impl CompletionSource for FakeSource {
    fn command_names(&self) -> Vec<String> {
        [
            "Get-MigrationBatch",
            "New-MigrationBatch",
            "Set-MigrationBatch",
            "Remove-MigrationBatch",
            "Start-MigrationBatch",
            "Stop-MigrationBatch",
            "Complete-MigrationBatch",
            "Get-MigrationEndpoint",
            "New-MigrationEndpoint",
            "Get-MigrationUser",
            "Get-MigrationUserStatistics",
            "Select-Object",
            "Import-Csv",
            "Get-Content",
            "Write-Output",
            "Format-List",
            "Where-Object",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    fn parameters(&self, command: &str) -> Vec<ParamInfo> {
        let status = ["Created", "Syncing", "Synced", "Stopped", "Failed", "Completed"];
        let mut out = match command.to_ascii_lowercase().as_str() {
            "get-migrationbatch" => vec![
                p("Identity", "MigrationBatchIdParameter", Some(0), "The batch"),
                with_values(p("Status", "MigrationBatchStatus", None, "Filters by status"), &status),
                p("Diagnostic", "SwitchParameter", None, ""),
            ],
            "new-migrationendpoint" => vec![
                p("Name", "String", None, "The endpoint's name"),
                with_values(
                    p("Security", "IMAPSecurityMechanism", None, "Security of the IMAP connection"),
                    &["None", "Ssl", "Tls"],
                ),
                p("RemoteServer", "Fqdn", None, ""),
                p("Port", "Int32", None, ""),
                p("IMAP", "SwitchParameter", None, ""),
            ],
            "new-migrationbatch" => vec![
                p("Name", "String", None, ""),
                p("SourceEndpoint", "MigrationEndpointIdParameter", None, ""),
                p("CSVData", "Byte[]", None, ""),
                p("AutoStart", "SwitchParameter", None, ""),
            ],
            "get-migrationuser" => vec![
                p("Identity", "MigrationUserIdParameter", Some(0), ""),
                p("BatchId", "MigrationBatchIdParameter", None, ""),
                with_values(p("Status", "MigrationUserStatus", None, ""), &status),
            ],
            "import-csv" => vec![p("Path", "String[]", Some(0), ""), p("Delimiter", "Char", Some(1), "")],
            "get-content" => vec![p("Path", "String[]", Some(0), "")],
            "write-output" => vec![p("InputObject", "PSObject[]", Some(0), "")],
            _ => Vec::new(),
        };
        out.extend(common());
        out
    }

    fn variables(&self) -> Vec<String> {
        ["batch", "batches", "splat", "a"].iter().map(|s| s.to_string()).collect()
    }

    fn identities(&self, command: &str, parameter: &str) -> Vec<String> {
        let batches = || vec!["IMAPBatch2".to_string(), "IMAPBatch1".into(), "Batch One".into()];
        match (command.to_ascii_lowercase().as_str(), parameter.to_ascii_lowercase().as_str()) {
            (_, "batchid") => batches(),
            (c, "identity") if c.ends_with("migrationbatch") => batches(),
            (_, "sourceendpoint") | (_, "targetendpoint") => vec!["IMAPEndpoint".into()],
            (c, "identity") if c.ends_with("migrationuser") => vec!["ann@contoso.com".into(), "bob@contoso.com".into()],
            _ => Vec::new(),
        }
    }

    fn members(&self, expr_text: &str) -> Vec<String> {
        match expr_text.to_ascii_lowercase().as_str() {
            "$batch" => ["Identity", "Status", "TotalCount", "SyncedCount"].iter().map(|s| s.to_string()).collect(),
            "$batch.status" => vec!["Length".into(), "ToString(".into()],
            _ => Vec::new(),
        }
    }

    fn location(&self) -> String {
        self.location.clone()
    }
}

/// Records what it runs; `exit N` exits with N.
#[derive(Debug, Default)]
pub(crate) struct FakeHost {
    pub(crate) executed: Vec<String>,
    pub(crate) flag: Arc<AtomicBool>,
}

impl ReplHost for FakeHost {
    fn execute(&mut self, text: &str) -> ExecOutcome {
        self.executed.push(text.to_string());
        match text.trim().strip_prefix("exit") {
            Some(code) => ExecOutcome::Exit(code.trim().parse().unwrap_or(0)),
            None => ExecOutcome::Continue,
        }
    }

    fn completion_source(&self) -> Arc<dyn CompletionSource + Send + Sync> {
        Arc::new(FakeSource::new())
    }

    fn interrupt_flag(&self) -> Arc<AtomicBool> {
        self.flag.clone()
    }
}
