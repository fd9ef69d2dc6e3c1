//! The interactive shell's host: [`ShellHost`] implements [`crate::repl::ReplHost`] over
//! an interpreter session, and Ctrl-C support for the evaluator.
//!
//! - Completion: before each prompt a [`SnapshotSource`] is built from the command
//!   registry's signatures (the same ones the binder uses), the functions and variables
//!   in scope and the location. Tenant names (batches, endpoints, mailboxes, migration
//!   users, accepted domains) are read from the tenant store when Tab asks, never over
//!   the network.
//! - Ctrl-C: the REPL sets the session's interrupt flag; the evaluator polls it with
//!   [`check_interrupt`] at every block (so every loop iteration) and between pipeline
//!   objects, and stops with a `PipelineStoppedException` that no `catch` or `trap`
//!   handles and that returns to the prompt silently.

use super::command::Registry;
use super::error::{ErrorRecord, Exception, Flow, R};
use super::eval::{Interp, InterpOptions};
use super::host::{HostOptions, Outcome};
use super::scope::Scope;
use super::signature::{COMMON_PARAMETERS, Param, Signature};
use super::types::PsType;
use super::value::Value;
use crate::repl::{
    CompletionSource, ExecOutcome, HelpError, HelpExample, HelpInfo, HelpMode, HelpParam, IdentityLookup, ParamInfo,
    ReplHost, SnapshotSource, about_topic, exchange_online_uri, render_help,
};
use crate::tenant::{
    AcceptedDomainType, AuthenticationMethod, BatchFilter, ExEnum, IMAPSecurityMechanism, MigrationBatchStatus,
    MigrationFeature, MigrationType, MigrationUserStatus, MigrationUserStatusSummary, SqliteStore, TenantStore,
    UserFilter,
};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

thread_local! {
    /// The interrupt flag of the session running on this thread (set by Ctrl-C).
    static INTERRUPT: RefCell<Option<Arc<AtomicBool>>> = const { RefCell::new(None) };
}

/// The exception type Ctrl-C raises.
pub const PIPELINE_STOPPED: &str = "System.Management.Automation.PipelineStoppedException";

/// Makes `flag` the interrupt flag the evaluator on this thread polls.
pub fn set_interrupt_flag(flag: Option<Arc<AtomicBool>>) {
    INTERRUPT.with(|f| *f.borrow_mut() = flag);
}

/// True when Ctrl-C asked the running pipeline to stop.
pub fn interrupted() -> bool {
    INTERRUPT.with(|f| f.borrow().as_ref().is_some_and(|f| f.load(Ordering::Relaxed)))
}

/// The evaluator's poll: `Err` (a pipeline-stopped terminating error) after Ctrl-C.
#[inline]
pub fn check_interrupt() -> R<()> {
    if interrupted() { Err(pipeline_stopped()) } else { Ok(()) }
}

/// Sleeps for `duration`, waking early (with the pipeline-stopped error) on Ctrl-C.
pub fn interruptible_sleep(duration: std::time::Duration) -> R<()> {
    let end = std::time::Instant::now() + duration;
    loop {
        check_interrupt()?;
        let now = std::time::Instant::now();
        if now >= end {
            return Ok(());
        }
        std::thread::sleep((end - now).min(std::time::Duration::from_millis(50)));
    }
}

/// The terminating error a stopped pipeline unwinds with.
pub fn pipeline_stopped() -> Flow {
    let mut e = ErrorRecord::new(
        Exception::new(PIPELINE_STOPPED, "The pipeline has been stopped."),
        "PipelineStopped",
        "OperationStopped",
        Value::Null,
    );
    e.script_terminating_mark();
    Flow::error(e)
}

/// True for the error [`pipeline_stopped`] makes: `catch` and `trap` let it through
/// and the host prints nothing for it.
pub fn is_pipeline_stopped(e: &ErrorRecord) -> bool {
    e.exception.type_name == PIPELINE_STOPPED
}

/// An interactive session: the interpreter plus what the REPL asks of it.
pub struct ShellHost {
    pub interp: Interp,
    flag: Arc<AtomicBool>,
    /// Commands and their parameters (the registry does not change in a session).
    commands: Vec<(String, Vec<ParamInfo>)>,
    /// Aliases and the commands they name.
    aliases: Vec<(String, String)>,
    tenant: TenantNames,
}

impl ShellHost {
    pub fn new(opts: &HostOptions) -> ShellHost {
        let interp = Interp::new(InterpOptions { non_interactive: opts.non_interactive });
        let flag = Arc::new(AtomicBool::new(false));
        set_interrupt_flag(Some(flag.clone()));
        let commands = interp
            .registry
            .signatures()
            .into_iter()
            .map(|s| {
                let mut params = param_infos(s);
                for p in params.iter_mut().filter(|p| p.values.is_empty()) {
                    p.values = exchange_enum_values(&s.name, &p.name);
                }
                (s.name.clone(), params)
            })
            .collect();
        let mut aliases: Vec<(String, String)> =
            interp.registry.aliases.iter().map(|(a, t)| (a.clone(), t.clone())).collect();
        aliases.sort();
        ShellHost { interp, flag, commands, aliases, tenant: TenantNames::default() }
    }

    /// The completion source for the current state (commands, functions, variables,
    /// location, tenant names).
    pub fn snapshot(&self) -> SnapshotSource {
        let mut s = SnapshotSource::new(self.interp.location.clone());
        for (name, params) in &self.commands {
            s = s.command(name, params.clone());
        }
        for (alias, target) in &self.aliases {
            s = s.alias(alias, target);
        }
        for f in function_names(&self.interp.current) {
            s = s.command(&f, Vec::new());
        }
        let tenant = self.tenant.clone();
        let lookup: IdentityLookup =
            Arc::new(move |command: &str, parameter: &str, word: &str| tenant.names(command, parameter, word));
        for (name, members) in variable_members(&self.interp.current) {
            s = s.members(&format!("${name}"), members);
        }
        s.variables(variable_names(&self.interp.current)).identities(lookup)
    }
}

impl ShellHost {
    /// Completes tenant names from `store` instead of the one at `$EXOSH_HOME`.
    pub fn set_tenant_store(&mut self, store: Arc<dyn TenantStore>) {
        let mut guard = self.tenant.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *guard = Some(store);
    }
}

/// `$PROFILE`: `profile.ps1` in the tenant home (`$EXOSH_HOME`), like pwsh's
/// CurrentUserCurrentHost profile.
pub fn profile_path() -> Option<std::path::PathBuf> {
    crate::tenant::default_home().map(|h| h.join("profile.ps1"))
}

impl ShellHost {
    /// Sets `$PROFILE` and, unless `-NoProfile`, dot-sources the profile when it exists
    /// (its functions and variables stay in the session; its errors are printed).
    pub fn load_profile(&mut self, opts: &HostOptions) {
        let Some(path) = profile_path() else { return };
        let text = path.to_string_lossy().into_owned();
        self.interp.global.set("PROFILE", Value::str(&text));
        if opts.no_profile || !path.is_file() {
            return;
        }
        let quoted = text.replace('\'', "''");
        self.interp.run_source(&format!(". '{quoted}'"), None, Vec::new());
    }
}

impl Drop for ShellHost {
    fn drop(&mut self) {
        set_interrupt_flag(None);
    }
}

impl ReplHost for ShellHost {
    fn execute(&mut self, text: &str) -> ExecOutcome {
        match self.interp.run_source(text, None, Vec::new()) {
            Outcome::Exit(n) => ExecOutcome::Exit(n),
            Outcome::Completed { .. } | Outcome::Failed => ExecOutcome::Continue,
        }
    }

    fn completion_source(&self) -> Arc<dyn CompletionSource + Send + Sync> {
        Arc::new(ShellSource { snapshot: self.snapshot(), tenant: self.tenant.clone() })
    }

    fn interrupt_flag(&self) -> Arc<AtomicBool> {
        self.flag.clone()
    }
    /// The migration engine's notices (a user Synced or Failed, a batch settled) print
    /// above the prompt while the admin types.
    fn attach_notices(&mut self, sink: crate::repl::NoticeSink) {
        crate::engine::bridge::set_notifier(move |text| sink.send(text));
    }
}

/// The completer's view of one signature: every parameter (common ones after).
pub fn param_infos(sig: &Signature) -> Vec<ParamInfo> {
    let mut v: Vec<ParamInfo> = sig.params.iter().map(param_info).collect();
    if sig.common_parameters {
        for (name, aliases) in COMMON_PARAMETERS {
            if v.iter().any(|p| p.name.eq_ignore_ascii_case(name)) {
                continue;
            }
            let (type_name, values): (&str, &[&str]) = match *name {
                "Verbose" | "Debug" => ("SwitchParameter", &[]),
                n if n.ends_with("Action") => {
                    ("ActionPreference", &["Break", "Continue", "Ignore", "Inquire", "SilentlyContinue", "Stop"])
                }
                "OutBuffer" => ("Int32", &[]),
                _ => ("String", &[]),
            };
            v.push(ParamInfo {
                name: name.to_string(),
                aliases: aliases.iter().map(|a| a.to_string()).collect(),
                type_name: type_name.into(),
                is_switch: type_name == "SwitchParameter",
                values: values.iter().map(|s| s.to_string()).collect(),
                position: None,
                help: String::new(),
            });
        }
        if sig.supports_should_process {
            for (name, alias) in [("WhatIf", "wi"), ("Confirm", "cf")] {
                if !v.iter().any(|p| p.name.eq_ignore_ascii_case(name)) {
                    v.push(ParamInfo {
                        name: name.into(),
                        aliases: vec![alias.into()],
                        type_name: "SwitchParameter".into(),
                        is_switch: true,
                        ..ParamInfo::default()
                    });
                }
            }
        }
    }
    v
}

fn names_of<E: ExEnum>() -> Vec<String> {
    E::all().iter().map(|e| e.name().to_string()).collect()
}

/// The values of an Exchange enum parameter that the signature declares as a string
/// (the cmdlet converts it): `-Security` None/Ssl/Tls, `-Status` ...
pub fn exchange_enum_values(command: &str, parameter: &str) -> Vec<String> {
    let noun = command.rsplit_once('-').map_or(command, |(_, n)| n).to_ascii_lowercase();
    let exchange = noun.starts_with("migration") || noun.starts_with("mailbox") || noun == "accepteddomain";
    if !exchange {
        return Vec::new();
    }
    match parameter.to_ascii_lowercase().as_str() {
        "security" => names_of::<IMAPSecurityMechanism>(),
        "authentication" => names_of::<AuthenticationMethod>(),
        "domaintype" => names_of::<AcceptedDomainType>(),
        "features" => names_of::<MigrationFeature>(),
        "type" if noun == "migrationendpoint" => names_of::<MigrationType>(),
        "status" if noun == "migrationbatch" => names_of::<MigrationBatchStatus>(),
        "status" if noun.starts_with("migrationuser") => names_of::<MigrationUserStatus>(),
        "statussummary" => names_of::<MigrationUserStatusSummary>(),
        _ => Vec::new(),
    }
}

fn param_info(p: &Param) -> ParamInfo {
    let values = match (&p.validate_set, &p.ty) {
        (Some(set), _) => set.clone(),
        (None, PsType::Enum(_, names)) => names.iter().map(|(n, _)| n.to_string()).collect(),
        _ => Vec::new(),
    };
    let help = if p.help.is_empty() {
        p.sets.iter().map(|m| m.help.as_str()).find(|h| !h.is_empty()).unwrap_or_default().to_string()
    } else {
        p.help.clone()
    };
    ParamInfo {
        name: p.name.clone(),
        aliases: p.aliases.clone(),
        type_name: p.ty.short_name(),
        is_switch: p.is_switch(),
        values,
        position: p.sets.iter().filter_map(|m| m.position).min().and_then(|n| u32::try_from(n).ok()),
        help,
    }
}

fn variable_names(scope: &Rc<Scope>) -> Vec<String> {
    let mut names = BTreeSet::new();
    let mut cur = Some(scope);
    while let Some(s) = cur {
        for v in s.vars.borrow().values() {
            names.insert(v.name.clone());
        }
        cur = s.parent.as_ref();
    }
    names.into_iter().collect()
}

/// The property names of a value (of its first element for a collection, as member
/// enumeration does; the keys of a hashtable), without running any code.
pub fn member_names(v: &Value) -> Vec<String> {
    let first = match v {
        Value::Array(a) => a.items.borrow().first().cloned(),
        Value::List(l) => l.items.borrow().first().cloned(),
        other => Some(other.clone()),
    };
    match first {
        Some(Value::Object(o)) => o.borrow().property_names(),
        Some(Value::Hashtable(h)) => {
            let mut names: Vec<String> = h.borrow().keys().iter().map(super::convert::to_string).collect();
            names.extend(["Count", "Keys", "Values"].map(String::from));
            names
        }
        Some(Value::String(_)) => vec!["Length".into()],
        Some(v @ Value::Other(_)) => super::members::property_list(&v).into_iter().map(|(n, _)| n).collect(),
        _ => Vec::new(),
    }
}

/// The members of every variable in scope whose value has properties (`$batch`).
fn variable_members(scope: &Rc<Scope>) -> Vec<(String, Vec<String>)> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut cur = Some(scope);
    while let Some(s) = cur {
        for v in s.vars.borrow().values() {
            if !seen.insert(v.name.to_lowercase()) {
                continue;
            }
            let members = member_names(&v.value);
            if !members.is_empty() {
                out.push((v.name.clone(), members));
            }
        }
        cur = s.parent.as_ref();
    }
    out
}

fn function_names(scope: &Rc<Scope>) -> Vec<String> {
    let mut names = BTreeSet::new();
    let mut cur = Some(scope);
    while let Some(s) = cur {
        for f in s.functions.borrow().values() {
            names.insert(f.name.clone());
        }
        cur = s.parent.as_ref();
    }
    names.into_iter().collect()
}

/// Get-Help's view of a signature (the same declaration the binder and completer read).
pub fn help_info(sig: &Signature) -> HelpInfo {
    let noun = sig.name.rsplit_once('-').map_or(sig.name.as_str(), |(_, n)| n).to_ascii_lowercase();
    let exchange = noun.starts_with("migration")
        || noun.starts_with("mailbox")
        || noun == "accepteddomain"
        || noun == "exchangeonline";
    let parameters = sig
        .params
        .iter()
        .map(|p| HelpParam {
            name: p.name.clone(),
            type_name: p.ty.short_name(),
            help: if p.help.is_empty() {
                p.sets.iter().map(|m| m.help.as_str()).find(|h| !h.is_empty()).unwrap_or_default().to_string()
            } else {
                p.help.clone()
            },
            required: p.sets.iter().any(|m| m.mandatory),
            position: p.sets.iter().filter_map(|m| m.position).min().and_then(|n| u32::try_from(n).ok()),
            default_value: None,
            by_value: p.sets.iter().any(|m| m.from_pipeline),
            by_property_name: p.sets.iter().any(|m| m.by_property_name),
            wildcards: false,
            aliases: p.aliases.clone(),
            is_switch: p.is_switch(),
        })
        .collect();
    HelpInfo {
        name: sig.name.clone(),
        synopsis: sig.synopsis.clone(),
        syntax: sig.syntax(),
        description: String::new(),
        parameters,
        examples: sig
            .examples
            .iter()
            .map(|e| HelpExample { code: e.code.clone(), remarks: e.description.clone() })
            .collect(),
        aliases: sig.aliases.clone(),
        online_uri: exchange.then(|| exchange_online_uri(&sig.name)),
    }
}

/// Get-Help's text for `name` (a cmdlet, an alias or an `about_` topic) in `mode`;
/// `None` when there is no such help.
pub fn help_text(registry: &Registry, name: &str, mode: &HelpMode) -> Option<Result<String, HelpError>> {
    if let Some(text) = about_topic(name).filter(|_| name.to_ascii_lowercase().starts_with("about_")) {
        return Some(Ok(text.to_string()));
    }
    let target = registry.resolve_alias(name).unwrap_or_else(|| name.to_string());
    let info = registry.get(&target)?;
    Some(render_help(&help_info(&info.signature), mode))
}

/// The completion source the REPL gets: the snapshot, plus the properties of the
/// objects an Exchange `Get-*` pipeline produces (for `| Format-List <Tab>`), read from
/// one object of the tenant store.
pub struct ShellSource {
    pub snapshot: SnapshotSource,
    tenant: TenantNames,
}

impl CompletionSource for ShellSource {
    fn command_names(&self) -> Vec<String> {
        CompletionSource::command_names(&self.snapshot)
    }
    fn parameters(&self, command: &str) -> Vec<ParamInfo> {
        CompletionSource::parameters(&self.snapshot, command)
    }
    fn variables(&self) -> Vec<String> {
        CompletionSource::variables(&self.snapshot)
    }
    fn identities(&self, command: &str, parameter: &str, word: &str) -> Vec<String> {
        CompletionSource::identities(&self.snapshot, command, parameter, word)
    }
    fn members(&self, expr_text: &str) -> Vec<String> {
        let known = CompletionSource::members(&self.snapshot, expr_text);
        if !known.is_empty() {
            return known;
        }
        let Some(store) = self.tenant.store() else { return Vec::new() };
        pipeline_output_properties(store.as_ref(), expr_text)
    }
    fn location(&self) -> String {
        CompletionSource::location(&self.snapshot)
    }
    fn type_names(&self) -> Vec<String> {
        CompletionSource::type_names(&self.snapshot)
    }
}

/// The property names of what `pipeline` (`Get-MigrationBatch -Status Failed | Where-Object
/// {...}`) produces when it starts with an Exchange `Get-*` cmdlet, from one object of
/// the store (empty when the store has none). Filters and sorts keep the type.
pub fn pipeline_output_properties(store: &dyn TenantStore, pipeline: &str) -> Vec<String> {
    use crate::tenant::TenantObject;
    let first = pipeline.trim_start().split(|c: char| c.is_whitespace() || c == '|').next().unwrap_or_default();
    let names = |p: Vec<(&'static str, crate::tenant::PropValue)>| p.into_iter().map(|(n, _)| n.to_string()).collect();
    match first.to_ascii_lowercase().as_str() {
        "get-migrationbatch" => {
            let f = BatchFilter { result_size: Some(1), ..BatchFilter::default() };
            store.get_batches(&f).ok().and_then(|b| b.into_iter().next()).map(|b| names(b.properties()))
        }
        "get-migrationendpoint" => {
            store.get_endpoints(None, None).ok().and_then(|e| e.into_iter().next()).map(|e| names(e.properties()))
        }
        "get-mailbox" => {
            store.get_mailboxes(None).ok().and_then(|m| m.into_iter().next()).map(|m| names(m.properties()))
        }
        "get-accepteddomain" => {
            store.get_accepted_domains(None).ok().and_then(|d| d.into_iter().next()).map(|d| names(d.properties()))
        }
        "get-migrationuser" => store
            .get_users_page(&UserFilter::default(), 0, 1)
            .ok()
            .and_then(|(u, _)| u.into_iter().next())
            .map(|u| names(u.properties())),
        _ => None,
    }
    .unwrap_or_default()
}

/// What kind of tenant object a `command -parameter` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityKind {
    Batch,
    Endpoint,
    Mailbox,
    User,
    Domain,
}

/// The kind of name `command -parameter` takes, if it names a tenant object.
pub fn identity_kind(command: &str, parameter: &str) -> Option<IdentityKind> {
    let p = parameter.to_ascii_lowercase();
    match p.as_str() {
        "batchid" | "batch" => return Some(IdentityKind::Batch),
        "sourceendpoint" | "targetendpoint" | "endpoint" => return Some(IdentityKind::Endpoint),
        "identity" => {}
        _ => return None,
    }
    let noun = command.rsplit_once('-').map_or(command, |(_, n)| n).to_ascii_lowercase();
    match noun.as_str() {
        "migrationbatch" => Some(IdentityKind::Batch),
        "migrationendpoint" => Some(IdentityKind::Endpoint),
        "migrationuser" | "migrationuserstatistics" => Some(IdentityKind::User),
        "accepteddomain" => Some(IdentityKind::Domain),
        n if n.starts_with("mailbox") => Some(IdentityKind::Mailbox),
        _ => None,
    }
}

/// Reads tenant names from the store at `$EXOSH_HOME` (opened on first use, only when
/// the database already exists: Tab never creates a tenant), or from a given store.
#[derive(Clone, Default)]
struct TenantNames {
    store: Arc<Mutex<Option<Arc<dyn TenantStore>>>>,
}

impl TenantNames {
    fn store(&self) -> Option<Arc<dyn TenantStore>> {
        let mut guard = self.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if guard.is_none() {
            let home = crate::tenant::default_home()?;
            if !home.join("exosh.db").exists() {
                return None;
            }
            let store: Arc<dyn TenantStore> = Arc::new(SqliteStore::open(&home).ok()?);
            *guard = Some(store);
        }
        guard.clone()
    }

    fn names(&self, command: &str, parameter: &str, _word: &str) -> Vec<String> {
        let Some(kind) = identity_kind(command, parameter) else { return Vec::new() };
        let Some(store) = self.store() else { return Vec::new() };
        tenant_names(store.as_ref(), kind)
    }
}

/// The names of every tenant object of `kind` (empty when the store fails).
pub fn tenant_names(store: &dyn TenantStore, kind: IdentityKind) -> Vec<String> {
    let mut v: Vec<String> = match kind {
        IdentityKind::Batch => {
            store.get_batches(&BatchFilter::default()).map(|b| b.into_iter().map(|b| b.name).collect())
        }
        IdentityKind::Endpoint => store.get_endpoints(None, None).map(|e| e.into_iter().map(|e| e.name).collect()),
        IdentityKind::Mailbox => store.get_mailboxes(None).map(|m| m.into_iter().map(|m| m.name).collect()),
        IdentityKind::Domain => store.get_accepted_domains(None).map(|d| d.into_iter().map(|d| d.name).collect()),
        IdentityKind::User => store
            .get_users_page(&UserFilter::default(), 0, 5000)
            .map(|(u, _)| u.into_iter().map(|u| u.email_address).collect()),
    }
    .unwrap_or_default();
    v.sort_by_key(|s| s.to_lowercase());
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repl::complete;
    use crate::tenant::NewImapEndpoint;

    fn values(src: &dyn CompletionSource, line: &str) -> Vec<String> {
        complete(line, line.len(), src).values().iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn completion_comes_from_the_registry_signatures() {
        let host = ShellHost::new(&HostOptions::default());
        let src = host.snapshot();
        assert_eq!(values(&src, "Get-MigB"), vec!["Get-MigrationBatch"]);
        assert!(values(&src, "New-MigrationB").contains(&"New-MigrationBatch".to_string()));
        assert_eq!(values(&src, "New-MigrationEndpoint -Sec"), vec!["-Security"]);
        assert_eq!(values(&src, "New-MigrationEndpoint -Security S"), vec!["Ssl"]);
        assert_eq!(values(&src, "New-MigrationEndpoint -Security "), vec!["None", "Ssl", "Tls"]);
        assert!(values(&src, "Get-MigrationBatch -Status ").contains(&"Synced".to_string()));
        assert!(values(&src, "Get-ChildItem -ErrorA").contains(&"-ErrorAction".to_string()));
        assert!(values(&src, "Remove-MigrationBatch -Wh").contains(&"-WhatIf".to_string()));
    }

    #[test]
    fn variables_functions_and_location_follow_the_session() {
        let mut host = ShellHost::new(&HostOptions::default());
        assert_eq!(host.execute("$zebraCount = 3; function Invoke-Zebra { 'z' }"), ExecOutcome::Continue);
        let src = host.snapshot();
        assert_eq!(values(&src, "$zebraC"), vec!["$zebraCount"]);
        assert_eq!(values(&src, "Invoke-Zeb"), vec!["Invoke-Zebra"]);
        assert_eq!(host.execute("$zobj = [pscustomobject]@{ SyncedCount = 1; Status = 'x' }"), ExecOutcome::Continue);
        assert_eq!(host.execute("$zlist = @($zobj, $zobj); $zh = @{ Alpha = 1 }"), ExecOutcome::Continue);
        let src = host.snapshot();
        assert_eq!(values(&src, "$zobj.Sy"), vec!["SyncedCount"]);
        assert_eq!(values(&src, "$zlist.St"), vec!["Status"]);
        assert_eq!(values(&src, "$zh.Al"), vec!["Alpha"]);
        assert_eq!(src.location(), host.interp.location);
        assert_eq!(host.execute("exit 9"), ExecOutcome::Exit(9));
    }

    #[test]
    fn tenant_names_after_identity() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(dir.path()).unwrap());
        for name in ["ImapSource", "Other"] {
            store
                .new_endpoint(&NewImapEndpoint {
                    name: name.into(),
                    remote_server: "imap.contoso.com".into(),
                    port: None,
                    security: None,
                    authentication: None,
                    accept_untrusted_certificates: false,
                    max_concurrent_migrations: None,
                    max_concurrent_incremental_syncs: None,
                })
                .unwrap();
        }
        let mut host = ShellHost::new(&HostOptions::default());
        host.set_tenant_store(store);
        let src = host.snapshot();
        assert_eq!(values(&src, "Get-MigrationEndpoint -Identity I"), vec!["ImapSource"]);
        assert_eq!(values(&src, "Get-MigrationEndpoint -Identity "), vec!["ImapSource", "Other"]);
        assert_eq!(values(&src, "New-MigrationBatch -SourceEndpoint O"), vec!["Other"]);
        let live = host.completion_source();
        assert_eq!(
            values(live.as_ref(), "Get-MigrationEndpoint | Where-Object { $_.Port } | Format-List Identity, RemoteS"),
            vec!["RemoteServer"]
        );
        assert_eq!(values(live.as_ref(), "Get-MigrationEndpoint -Identity I"), vec!["ImapSource"]);
        assert!(!values(&src, "Get-MigrationBatch -Identity ").contains(&"ImapSource".to_string()));
    }

    #[test]
    fn identity_kinds_follow_the_noun() {
        assert_eq!(identity_kind("Get-MigrationBatch", "Identity"), Some(IdentityKind::Batch));
        assert_eq!(identity_kind("Get-MigrationUser", "BatchId"), Some(IdentityKind::Batch));
        assert_eq!(identity_kind("Get-MigrationUserStatistics", "Identity"), Some(IdentityKind::User));
        assert_eq!(identity_kind("Get-MailboxStatistics", "Identity"), Some(IdentityKind::Mailbox));
        assert_eq!(identity_kind("Set-MigrationEndpoint", "identity"), Some(IdentityKind::Endpoint));
        assert_eq!(identity_kind("Get-AcceptedDomain", "Identity"), Some(IdentityKind::Domain));
        assert_eq!(identity_kind("Get-Item", "Identity"), None);
        assert_eq!(identity_kind("Get-MigrationBatch", "Status"), None);
    }

    #[test]
    fn an_interrupt_stops_loops_and_is_not_caught() {
        let mut host = ShellHost::new(&HostOptions::default());
        let flag = host.interrupt_flag();
        flag.store(true, Ordering::SeqCst);
        let t = std::time::Instant::now();
        let r = host.interp.run_source("$i = 0; while ($true) { try { $i++ } catch { $c = 1 } }", None, Vec::new());
        assert_eq!(r, Outcome::Completed { ok: false });
        let r = host.interp.run_source("1..10 | ForEach-Object { $_ }", None, Vec::new());
        assert_eq!(r, Outcome::Completed { ok: false });
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
        flag.store(false, Ordering::SeqCst);
        assert_eq!(host.execute("$global:after = [int]$i + [int]$c + 1"), ExecOutcome::Continue);
        assert_eq!(host.interp.global.lookup("after").map(|v| super::super::convert::to_string(&v)), Some("1".into()));
    }
}

#[cfg(test)]
mod help_tests {
    use super::*;

    #[test]
    fn help_comes_from_the_signatures() {
        let host = ShellHost::new(&HostOptions::default());
        let reg = host.interp.registry.clone();
        let text = help_text(&reg, "New-MigrationBatch", &HelpMode::Default).unwrap().unwrap();
        assert!(text.contains("NAME\n    New-MigrationBatch"), "{text}");
        assert!(text.contains("SYNTAX\n    New-MigrationBatch "), "{text}");
        let online = help_text(&reg, "Get-MigrationBatch", &HelpMode::Online).unwrap().unwrap();
        assert_eq!(online, "https://learn.microsoft.com/powershell/module/exchangepowershell/get-migrationbatch\n");
        let p = help_text(&reg, "New-MigrationEndpoint", &HelpMode::Parameter("Sec*".into())).unwrap().unwrap();
        assert!(p.contains("-Security <String>"), "{p}");
        let missing = help_text(&reg, "New-MigrationEndpoint", &HelpMode::Parameter("Nope".into())).unwrap();
        assert_eq!(missing.map_err(|e| e.message()), Err("No parameter matches criteria Nope.".to_string()));
        assert!(help_text(&reg, "about_exosh", &HelpMode::Default).is_some());
        assert!(help_text(&reg, "No-SuchCommand", &HelpMode::Default).is_none());
    }
}

#[cfg(test)]
mod timing {
    use super::*;
    use crate::repl::{complete, highlight};

    /// Before each prompt the REPL builds a snapshot; Tab and each keystroke's highlight
    /// read it. Figures are printed (`--nocapture`); the bound is loose for debug builds
    /// on a shared machine.
    #[test]
    fn snapshot_and_completion_are_fast() {
        let mut host = ShellHost::new(&HostOptions::default());
        host.execute(
            "$batches = 1..1000 | ForEach-Object { [pscustomobject]@{ Identity = \"B$_\"; Status = 'Synced' } }",
        );
        let n = 20;
        let t = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(host.completion_source());
        }
        let snap = t.elapsed() / n;
        let src = host.snapshot();
        let mut line =
            "Get-MigrationBatch -Status Failed | Where-Object { $_.TotalCount -gt 10 } | New-MigrationEndpoint -Name "
                .to_string();
        while line.len() < 196 {
            line.push('x');
        }
        line.push_str(" -Se");
        let t = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(complete(&line, line.len(), &src));
            let names: std::collections::HashSet<String> =
                src.command_names().into_iter().map(|c| c.to_lowercase()).collect();
            std::hint::black_box(highlight(&line, &|w: &str| names.contains(&w.to_lowercase())));
        }
        let keystroke = t.elapsed() / n;
        println!("snapshot {snap:?}, completion+highlight of {} chars {keystroke:?}", line.len());
        assert!(snap < std::time::Duration::from_millis(250), "{snap:?}");
        assert!(keystroke < std::time::Duration::from_millis(250), "{keystroke:?}");
    }
}
