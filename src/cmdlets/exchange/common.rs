//! What every Exchange cmdlet shares: the tenant of this process, the
//! cmdlet frame, Exchange errors as ErrorRecords, identity arguments,
//! parameter conversions and ShouldProcess (-WhatIf / -Confirm).

use super::convert::object_value;
use crate::runtime::binder::ActionPreference;
use crate::runtime::command::{Call, Cmdlet, Registry, Sink};
use crate::runtime::convert::{convert_to, to_bool, to_string};
use crate::runtime::error::{ErrorRecord, Exception, Flow, R};
use crate::runtime::eval::Interp;
use crate::runtime::members::property_of;
use crate::runtime::signature::Signature;
use crate::runtime::types::PsType;
use crate::runtime::value::Value;
use crate::tenant::{ExEnum, SqliteStore, Tenant, TenantError, TenantObject, Unlimited};
use chrono::{DateTime, Utc};
use std::cell::RefCell;
use std::io::{BufRead, Write};
use std::sync::Arc;

thread_local! {
    static TENANT: RefCell<Option<Tenant>> = const { RefCell::new(None) };
    static SESSION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Attaches a tenant (e.g. one with the migration engine) to this thread's
/// shell; the cmdlets use it instead of opening `$EXOSH_HOME/exosh.db`.
pub fn attach_tenant(t: Tenant) {
    TENANT.with(|c| *c.borrow_mut() = Some(t));
}

/// The tenant the cmdlets use: the attached one, or the SQLite store at
/// `$EXOSH_HOME` opened on first use, with the migration engine attached.
pub fn current_tenant() -> Result<Tenant, TenantError> {
    if let Some(t) = TENANT.with(|c| c.borrow().clone()) {
        return Ok(t);
    }
    let store = SqliteStore::open_default()?;
    let home = store.home().to_path_buf();
    let t = crate::engine::bridge::attach(Tenant::new(Arc::new(store)), &home);
    attach_tenant(t.clone());
    Ok(t)
}

/// The connected account (Connect-ExchangeOnline -UserPrincipalName), if any.
pub fn session_user() -> Option<String> {
    SESSION.with(|s| s.borrow().clone())
}

/// Records the connected account.
pub fn set_session_user(u: Option<String>) {
    SESSION.with(|s| *s.borrow_mut() = u);
}

/// The body of an Exchange cmdlet, called once per pipeline object (or once).
pub type RunFn = fn(&mut Ex<'_>) -> R<()>;

/// What a cmdlet body works with.
pub struct Ex<'a> {
    pub cx: &'a mut Interp,
    pub call: &'a mut Call,
    pub out: &'a mut dyn Sink,
    pub state: &'a mut ExState,
}

/// State kept across the pipeline objects of one invocation.
#[derive(Default)]
pub struct ExState {
    /// "Yes to All" / "No to All" answered at a confirmation prompt.
    pub yes_all: Option<bool>,
}

struct ExCmd {
    run: RunFn,
    state: ExState,
}

impl Cmdlet for ExCmd {
    fn process(&mut self, cx: &mut Interp, call: &mut Call, out: &mut dyn Sink) -> R<()> {
        let mut ex = Ex { cx, call, out, state: &mut self.state };
        (self.run)(&mut ex)
    }
}

/// Registers one cmdlet.
pub fn add(r: &mut Registry, sig: Signature, run: RunFn) {
    r.add(sig, move || Box::new(ExCmd { run, state: ExState::default() }));
}

impl Ex<'_> {
    /// The tenant, or the storage error as a terminating error of this command.
    pub fn tenant(&mut self) -> R<Tenant> {
        current_tenant().map_err(|e| Flow::error(self.record(&e, "")))
    }

    /// Emits a tenant object.
    pub fn emit(&mut self, o: &dyn TenantObject) -> R<()> {
        let v = object_value(o);
        self.out.emit(self.cx, v)
    }

    /// The ErrorRecord for a tenant error, as Exchange reports it.
    pub fn record(&self, e: &TenantError, target: &str) -> ErrorRecord {
        let class = format!("Microsoft.Exchange.Management.{}", self.call.name.replace('-', ""));
        let mut rec = ErrorRecord::new(
            Exception::new(&exception_type(e.exception), e.message.clone()),
            &format!("[FailureCategory=Cmdlet-{}] {},{}", e.exception, short_hash(&e.message), class),
            e.category.name(),
            if target.is_empty() { Value::Null } else { Value::str(target) },
        );
        rec.from_command = Some(self.call.name.clone());
        self.call.error(rec)
    }

    /// Writes a tenant error as a non-terminating error (obeys -ErrorAction).
    pub fn write_tenant_error(&mut self, e: &TenantError, target: &str) -> R<()> {
        let rec = self.record(e, target);
        self.write_error(rec)
    }

    /// Writes a non-terminating error.
    pub fn write_error(&mut self, rec: ErrorRecord) -> R<()> {
        let action = self.call.bound.common.error_action;
        self.cx.write_error(action, rec)
    }

    /// A terminating error for this command with a pwsh-style id.
    pub fn fail(&self, fqid: &str, category: &'static str, message: impl Into<String>) -> Flow {
        let rec = ErrorRecord::new(
            Exception::new("System.Management.Automation.RuntimeException", message),
            &format!("{fqid},{}", self.call.name),
            category,
            Value::Null,
        );
        Flow::error(self.call.error(rec))
    }

    /// A string parameter.
    pub fn str(&self, name: &str) -> Option<String> {
        self.call.get(name).filter(|v| !v.is_null()).map(to_string)
    }

    /// A switch or boolean parameter.
    pub fn flag(&self, name: &str) -> bool {
        self.call.get(name).is_some_and(to_bool)
    }

    /// A boolean parameter when given.
    pub fn opt_bool(&self, name: &str) -> Option<bool> {
        self.call.get(name).map(to_bool)
    }

    /// A multi-valued parameter (`"a","b"`).
    pub fn strings(&self, name: &str) -> Option<Vec<String>> {
        self.call.get(name).map(|v| v.to_list().iter().map(to_string).collect())
    }

    /// An identity parameter: the object's Identity, or the text.
    pub fn identity(&self, name: &str) -> Option<String> {
        self.call.get(name).filter(|v| !v.is_null()).map(identity_of)
    }

    /// An enum parameter, with the binder's conversion error.
    pub fn enum_param<E: ExEnum>(&self, name: &str) -> R<Option<E>> {
        let Some(v) = self.call.get(name).filter(|v| !v.is_null()) else {
            return Ok(None);
        };
        let text = match v {
            Value::Enum(e) => e.name.clone(),
            other => to_string(other),
        };
        match E::parse(&text) {
            Some(e) => Ok(Some(e)),
            None => Err(self.conversion_error(
                name,
                &text,
                E::TYPE_NAME,
                &format!(
                    "Unable to match the identifier name {text} to a valid enumerator name. Specify one of the following enumerator names and try again:\n{}",
                    E::names()
                ),
            )),
        }
    }

    /// An `Unlimited` parameter (a number or `unlimited`).
    pub fn unlimited(&self, name: &str) -> R<Option<Unlimited<u32>>> {
        let Some(v) = self.call.get(name).filter(|v| !v.is_null()) else {
            return Ok(None);
        };
        let text = to_string(v);
        match Unlimited::<u32>::parse(&text) {
            Some(u) => Ok(Some(u)),
            None => Err(self.conversion_error(
                name,
                &text,
                "Microsoft.Exchange.Data.Unlimited`1[System.Int32]",
                &format!("\"{text}\" isn't a valid number. Valid values are integers or \"Unlimited\"."),
            )),
        }
    }

    /// A DateTime parameter (a value without a zone is UTC, as in EXO);
    /// text converts as a `[datetime]` cast does, with the binder's error.
    pub fn date(&self, name: &str) -> R<Option<DateTime<Utc>>> {
        match self.call.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::DateTime(d)) => Ok(Some(d.to_chrono_utc())),
            Some(other) => match convert_to(other, &PsType::DateTime) {
                Ok(Value::DateTime(d)) => Ok(Some(d.to_chrono_utc())),
                _ => {
                    let text = to_string(other);
                    Err(self.conversion_error(
                        name,
                        &text,
                        "System.DateTime",
                        &format!("String '{text}' was not recognized as a valid DateTime."),
                    ))
                }
            },
        }
    }

    /// A `Byte[]` parameter (`-CSVData`): bytes, or the text of a string.
    pub fn bytes(&self, name: &str) -> Option<Vec<u8>> {
        let v = self.call.get(name)?;
        Some(value_bytes(v))
    }

    fn conversion_error(&self, param: &str, text: &str, ty: &str, why: &str) -> Flow {
        let rec = ErrorRecord::new(
            Exception::new(
                "System.Management.Automation.ParameterBindingException",
                format!(
                    "Cannot bind parameter '{param}'. Cannot convert value \"{text}\" to type \"{ty}\". Error: \"{why}\""
                ),
            ),
            &format!("CannotConvertArgumentNoMessage,{}", self.call.name),
            "InvalidArgument",
            Value::Null,
        );
        Flow::error(self.call.error(rec))
    }

    /// ShouldProcess: `-WhatIf` prints pwsh's "What if:" line and answers
    /// false; `-Confirm` (or `prompt_by_default`, as Remove-* cmdlets do)
    /// asks as pwsh asks; `-Confirm:$false` skips the prompt; a prompt under
    /// -NonInteractive is an error.
    pub fn should_process(&mut self, target: &str, prompt_by_default: bool) -> R<bool> {
        let op = format!("Performing the operation \"{}\" on target \"{}\".", self.call.name, target);
        let what_if =
            self.call.bound.common.what_if || self.cx.get_var("WhatIfPreference").is_some_and(|v| to_bool(&v));
        if what_if {
            self.cx.host_line(&format!("What if: {op}"));
            return Ok(false);
        }
        let confirm = match self.call.bound.common.confirm {
            Some(c) => c,
            None => {
                // ConfirmImpact High for the cmdlets that prompt by default
                // (Remove-*), Medium for the others; pwsh prompts when the
                // impact reaches $ConfirmPreference (default High).
                let pref = self.cx.get_var("ConfirmPreference").map(|v| to_string(&v)).unwrap_or_default();
                let level = match pref.trim().to_ascii_lowercase().as_str() {
                    "none" => 4,
                    "low" => 1,
                    "medium" => 2,
                    _ => 3,
                };
                let impact = if prompt_by_default { 3 } else { 2 };
                impact >= level
            }
        };
        if !confirm {
            return Ok(true);
        }
        if let Some(all) = self.state.yes_all {
            return Ok(all);
        }
        if self.cx.options.non_interactive {
            let rec = ErrorRecord::new(
                Exception::new(
                    "System.Management.Automation.Host.HostException",
                    "PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.",
                ),
                &format!("HostException,{}", self.call.name),
                "ResourceUnavailable",
                Value::Null,
            );
            return Err(Flow::error(self.call.error(rec)));
        }
        self.cx.flush_out_default();
        let text = format!(
            "\nConfirm\nAre you sure you want to perform this action?\n{op}\n[Y] Yes  [A] Yes to All  [N] No  [L] No to All  [S] Suspend  [?] Help (default is \"Y\"): "
        );
        loop {
            self.cx.host_write(&text);
            let _ = self.cx.out.flush();
            let mut line = String::new();
            let n = std::io::stdin().lock().read_line(&mut line).unwrap_or(0);
            if n == 0 {
                // End of input: nothing can answer; pwsh treats a closed console as "No".
                return Ok(false);
            }
            match line.trim().to_ascii_lowercase().as_str() {
                "" | "y" => return Ok(true),
                "a" => {
                    self.state.yes_all = Some(true);
                    return Ok(true);
                }
                "n" | "s" => return Ok(false),
                "l" => {
                    self.state.yes_all = Some(false);
                    return Ok(false);
                }
                _ => {
                    self.cx.host_line("Y - Continue with only the next step of the operation.\nA - Continue with all the steps of the operation.\nN - Skip this operation and proceed to the next operation.\nL - Skip this operation and all subsequent operations.\nS - Pause the current pipeline and return to the command prompt. Type \"exit\" to resume the pipeline.");
                }
            }
        }
    }

    /// Exchange's warning when the default -ResultSize cut the output.
    pub fn more_results_warning(&mut self) -> R<()> {
        let action = self.call.bound.common.warning_action;
        self.cx.write_warning(action, MORE_RESULTS)
    }

    /// The -ErrorAction of this call.
    pub fn error_action(&self) -> Option<ActionPreference> {
        self.call.bound.common.error_action
    }
}

/// The warning Exchange writes when `-ResultSize` (default 1000) cut the output.
pub const MORE_RESULTS: &str = "By default only the first 1000 items are returned. Use the ResultSize parameter to specify the number of items returned. To return all items, specify \"-ResultSize Unlimited\". Be aware that, depending upon the actual number of items, returning all items can take a long time and consume a large amount of memory. Also, we don't recommend storing the results in a variable. Instead, pipe the results to another task or script to perform batch changes.";

/// The Identity of a value passed as `-Identity` (objects give their
/// `Identity` property, e.g. `$batch.Identity` or a piped batch).
pub fn identity_of(v: &Value) -> String {
    if let Value::Object(_) = v {
        for p in ["Identity", "Name"] {
            if let Some(x) = property_of(v, p).filter(|x| !x.is_null()) {
                return to_string(&x);
            }
        }
    }
    to_string(v)
}

/// The bytes of a `Byte[]` argument.
pub fn value_bytes(v: &Value) -> Vec<u8> {
    match v {
        Value::String(s) => s.as_bytes().to_vec(),
        Value::Null => Vec::new(),
        _ => v
            .to_list()
            .iter()
            .map(|b| match b {
                Value::Byte(x) => *x,
                Value::Int(i) => *i as u8,
                Value::Long(i) => *i as u8,
                other => to_string(other).parse::<u8>().unwrap_or(0),
            })
            .collect(),
    }
}

/// The .NET exception type name Exchange uses for an exception short name.
fn exception_type(short: &str) -> String {
    if short.contains('.') {
        return short.to_string();
    }
    let ns = if short.starts_with("Migration") || short.starts_with("Csv") || short.starts_with("Storage") {
        "Microsoft.Exchange.Migration"
    } else {
        "Microsoft.Exchange.Configuration.Tasks"
    };
    format!("{ns}.{short}")
}

/// An 8-hex-digit id derived from the message (Exchange's ids carry one).
fn short_hash(s: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{h:08X}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_of_objects_and_text() {
        let mut o = crate::runtime::value::PsObject::typed("Microsoft.Exchange.Migration.MigrationBatch");
        o.set_note("Identity", Value::str("IMAPBatch1"));
        assert_eq!(identity_of(&Value::object(o)), "IMAPBatch1");
        assert_eq!(identity_of(&Value::str("x@contoso.com")), "x@contoso.com");
    }

    #[test]
    fn bytes_of_arrays_and_strings() {
        let v = crate::runtime::members::byte_array(b"a,b");
        assert_eq!(value_bytes(&v), b"a,b".to_vec());
        assert_eq!(value_bytes(&Value::str("x")), b"x".to_vec());
    }

    #[test]
    fn exception_names() {
        assert_eq!(
            exception_type("MigrationBatchNotFoundException"),
            "Microsoft.Exchange.Migration.MigrationBatchNotFoundException"
        );
        assert_eq!(short_hash("a").len(), 8);
    }
}
