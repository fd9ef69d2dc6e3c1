//! The interactive shell over a fake host, for the pseudo-terminal test
//! (tests/repl_pty.rs) until the runtime's evaluator drives `exosh` itself.
//!
//! It "runs" input by printing `ran: <input>` (newlines shown as `<NL>`), loops on
//! `while ($true) {}` until Ctrl-C, sends an engine notice 300 ms after `notify`, and
//! leaves on `exit [code]`. History goes to `$EXOSH_HOME/history.txt`.

use exosh::repl::{CompletionSource, ExecOutcome, NoticeSink, ParamInfo, ReplHost, ReplOptions};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A small tenant: the names the tour (docs/repl.md) and the pty test complete.
pub struct Source {
    location: String,
}

impl Source {
    pub fn at(location: &str) -> Source {
        Source { location: location.into() }
    }
}

impl Default for Source {
    fn default() -> Source {
        Source::at("/tenant")
    }
}

fn param(name: &str, type_name: &str, values: &[&str]) -> ParamInfo {
    ParamInfo {
        name: name.into(),
        type_name: type_name.into(),
        is_switch: type_name == "SwitchParameter",
        values: values.iter().map(|v| v.to_string()).collect(),
        ..ParamInfo::default()
    }
}

fn positional(mut p: ParamInfo) -> ParamInfo {
    p.position = Some(0);
    p
}

fn help(mut p: ParamInfo, text: &str) -> ParamInfo {
    p.help = text.into();
    p
}

const BATCH_STATUS: &[&str] = &[
    "Created",
    "Syncing",
    "Stopping",
    "Stopped",
    "Failed",
    "Synced",
    "Completing",
    "Completed",
    "Removing",
    "CompletedWithErrors",
    "SyncedWithErrors",
    "Corrupted",
    "Waiting",
    "Starting",
];

const COMMANDS: &[&str] = &[
    "Complete-MigrationBatch",
    "Format-List",
    "Get-Help",
    "Get-Mailbox",
    "Get-MigrationBatch",
    "Get-MigrationEndpoint",
    "Get-MigrationStatistics",
    "Get-MigrationUser",
    "Get-MigrationUserStatistics",
    "Import-Csv",
    "New-Mailbox",
    "New-MigrationBatch",
    "New-MigrationEndpoint",
    "Remove-MigrationBatch",
    "Remove-MigrationEndpoint",
    "Select-Object",
    "Set-MigrationBatch",
    "Set-MigrationEndpoint",
    "Start-MigrationBatch",
    "Stop-MigrationBatch",
    "Test-MigrationServerAvailability",
    "Where-Object",
    "Write-Output",
];

impl CompletionSource for Source {
    fn command_names(&self) -> Vec<String> {
        COMMANDS.iter().map(|s| s.to_string()).collect()
    }

    fn parameters(&self, command: &str) -> Vec<ParamInfo> {
        let security = || {
            help(
                param("Security", "IMAPSecurityMechanism", &["None", "Ssl", "Tls"]),
                "Encryption of the IMAP connection",
            )
        };
        let identity = |t: &str| positional(param("Identity", t, &[]));
        match command.to_ascii_lowercase().as_str() {
            "new-migrationendpoint" => vec![
                param("IMAP", "SwitchParameter", &[]),
                help(param("Name", "String", &[]), "The endpoint's name"),
                help(param("RemoteServer", "Fqdn", &[]), "The IMAP server"),
                param("Port", "Int32", &[]),
                security(),
                param("Authentication", "AuthenticationMethod", &["Basic", "Ntlm"]),
                param("AcceptUntrustedCertificates", "SwitchParameter", &[]),
            ],
            "test-migrationserveravailability" => vec![
                param("Imap", "SwitchParameter", &[]),
                param("RemoteServer", "Fqdn", &[]),
                param("Port", "Int32", &[]),
                security(),
            ],
            "new-migrationbatch" => vec![
                help(param("Name", "String", &[]), "The batch's name"),
                help(param("SourceEndpoint", "MigrationEndpointIdParameter", &[]), "Where the mail comes from"),
                help(param("CSVData", "Byte[]", &[]), "The CSV file's bytes"),
                param("AutoStart", "SwitchParameter", &[]),
                param("AutoComplete", "SwitchParameter", &[]),
                param("NotificationEmails", "MultiValuedProperty", &[]),
                param("TargetDeliveryDomain", "String", &[]),
            ],
            "get-migrationbatch" => vec![
                identity("MigrationBatchIdParameter"),
                param("Status", "MigrationBatchStatus", BATCH_STATUS),
                param("Endpoint", "MigrationEndpointIdParameter", &[]),
                param("Diagnostic", "SwitchParameter", &[]),
            ],
            "start-migrationbatch"
            | "stop-migrationbatch"
            | "complete-migrationbatch"
            | "remove-migrationbatch"
            | "set-migrationbatch" => {
                vec![identity("MigrationBatchIdParameter"), param("Confirm", "SwitchParameter", &[])]
            }
            "get-migrationendpoint" | "set-migrationendpoint" | "remove-migrationendpoint" => {
                vec![identity("MigrationEndpointIdParameter")]
            }
            "get-migrationuser" => vec![
                identity("MigrationUserIdParameter"),
                param("BatchId", "MigrationBatchIdParameter", &[]),
                param("Status", "MigrationUserStatus", &["Queued", "Syncing", "Synced", "Failed", "Completed"]),
            ],
            "get-migrationuserstatistics" => vec![
                identity("MigrationUserIdParameter"),
                param("IncludeReport", "SwitchParameter", &[]),
                param("IncludeSkippedItems", "SwitchParameter", &[]),
            ],
            "import-csv" => vec![positional(param("Path", "String[]", &[]))],
            "format-list" | "select-object" => vec![positional(param("Property", "Object[]", &[]))],
            _ => Vec::new(),
        }
    }

    fn variables(&self) -> Vec<String> {
        ["batch", "batches", "h", "PSVersionTable", "true", "false", "null"].iter().map(|s| s.to_string()).collect()
    }

    fn identities(&self, command: &str, parameter: &str, _word: &str) -> Vec<String> {
        let command = command.to_ascii_lowercase();
        let names: &[&str] = match parameter.to_ascii_lowercase().as_str() {
            "batchid" => &["IMAPBatch1", "Pilot Batch"],
            "sourceendpoint" | "endpoint" => &["IMAPEndpoint"],
            "identity" if command.ends_with("migrationbatch") => &["IMAPBatch1", "Pilot Batch"],
            "identity" if command.ends_with("migrationendpoint") => &["IMAPEndpoint"],
            "identity" if command.contains("migrationuser") => {
                &["ann@contoso.com", "bob@contoso.com", "chris@contoso.com"]
            }
            _ => &[],
        };
        names.iter().map(|s| s.to_string()).collect()
    }

    fn members(&self, expr_text: &str) -> Vec<String> {
        if expr_text.eq_ignore_ascii_case("$batch") || expr_text.to_ascii_lowercase().starts_with("get-migrationbatch")
        {
            ["Identity", "Status", "TotalCount", "SyncedCount", "FailedCount", "CreationDateTime"]
                .iter()
                .map(|s| s.to_string())
                .collect()
        } else {
            Vec::new()
        }
    }

    fn location(&self) -> String {
        self.location.clone()
    }
}

#[derive(Default)]
struct FakeHost {
    flag: Arc<AtomicBool>,
    sink: Option<NoticeSink>,
}

impl ReplHost for FakeHost {
    fn execute(&mut self, text: &str) -> ExecOutcome {
        let trimmed = text.trim();
        if let Some(code) = trimmed.strip_prefix("exit") {
            return ExecOutcome::Exit(code.trim().parse().unwrap_or(0));
        }
        if trimmed.starts_with("while ($true)") {
            println!("looping");
            while !self.flag.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(10));
            }
            println!("stopped");
            return ExecOutcome::Continue;
        }
        if trimmed == "notify" {
            let sink = self.sink.clone().unwrap_or_else(NoticeSink::stderr);
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(300));
                sink.send("WARNING: The batch 'IMAPBatch1' is Synced.");
            });
        }
        println!("ran: {}", text.replace('\n', "<NL>"));
        ExecOutcome::Continue
    }

    fn completion_source(&self) -> Arc<dyn CompletionSource + Send + Sync> {
        Arc::new(Source::default())
    }

    fn interrupt_flag(&self) -> Arc<AtomicBool> {
        self.flag.clone()
    }

    fn attach_notices(&mut self, sink: NoticeSink) {
        self.sink = Some(sink);
    }
}

pub fn main() {
    let mut host = FakeHost::default();
    // A terminal gets the line editor; a pipe is read line by line.
    let code = exosh::repl::run(&mut host, &ReplOptions::default());
    std::process::exit(code);
}
