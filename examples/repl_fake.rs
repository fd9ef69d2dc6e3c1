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

struct Source;

fn param(name: &str, type_name: &str, values: &[&str]) -> ParamInfo {
    ParamInfo {
        name: name.into(),
        type_name: type_name.into(),
        is_switch: type_name == "SwitchParameter",
        values: values.iter().map(|v| v.to_string()).collect(),
        ..ParamInfo::default()
    }
}

impl CompletionSource for Source {
    fn command_names(&self) -> Vec<String> {
        ["Get-MigrationBatch", "New-MigrationBatch", "New-MigrationEndpoint", "Get-MigrationEndpoint", "Write-Output"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    fn parameters(&self, command: &str) -> Vec<ParamInfo> {
        match command.to_ascii_lowercase().as_str() {
            "new-migrationendpoint" => vec![
                param("Name", "String", &[]),
                param("Security", "IMAPSecurityMechanism", &["None", "Ssl", "Tls"]),
                param("RemoteServer", "Fqdn", &[]),
                param("IMAP", "SwitchParameter", &[]),
            ],
            "get-migrationbatch" | "new-migrationbatch" => {
                vec![param("Identity", "MigrationBatchIdParameter", &[]), param("AutoStart", "SwitchParameter", &[])]
            }
            _ => Vec::new(),
        }
    }

    fn variables(&self) -> Vec<String> {
        vec!["batch".into()]
    }

    fn identities(&self, _command: &str, parameter: &str, _word: &str) -> Vec<String> {
        if parameter.eq_ignore_ascii_case("Identity") { vec!["IMAPBatch1".into()] } else { Vec::new() }
    }

    fn members(&self, _expr_text: &str) -> Vec<String> {
        Vec::new()
    }

    fn location(&self) -> String {
        "/tenant".into()
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
        Arc::new(Source)
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
    let code = if exosh::repl::stdin_is_terminal() {
        exosh::repl::run(&mut host, &ReplOptions::default())
    } else {
        exosh::repl::run_lines(&mut host, &mut std::io::stdin().lock())
    };
    std::process::exit(code);
}
