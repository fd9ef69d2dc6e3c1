//! Mailboxes: New/Get/Set/Remove-Mailbox, Get-MailboxStatistics,
//! Get-MailboxFolderStatistics, Enable/Disable-Mailbox, Get-Recipient,
//! Get-User.

use super::common::{Ex, add};
use super::convert::object_value;
use crate::runtime::command::Registry;
use crate::runtime::convert::to_string;
use crate::runtime::error::R;
use crate::runtime::members::property_of;
use crate::runtime::signature::{Param, Signature};
use crate::runtime::types::PsType;
use crate::runtime::value::Value;
use crate::tenant::{Mailbox, NewMailbox, SetMailbox, TenantError, TenantObject};

/// Set-Mailbox parameters of Exchange Online that the local tenant has no
/// model for: declared, refused with a clear error.
const SET_MAILBOX_NOT_EMULATED: &[&str] = &[
    "Type",
    "EmailAddresses",
    "EmailAddressPolicyEnabled",
    "PrimarySmtpAddress",
    "RetentionPolicy",
    "AddressBookPolicy",
    "DefaultPublicFolderMailbox",
    "ForwardingSmtpAddress",
    "ForwardingAddress",
    "DeliverToMailboxAndForward",
    "ProhibitSendQuota",
    "ProhibitSendReceiveQuota",
    "IssueWarningQuota",
    "MaxSendSize",
    "MaxReceiveSize",
    "HiddenFromAddressListsEnabled",
    "LitigationHoldEnabled",
    "CustomAttribute1",
    "CustomAttribute2",
    "CustomAttribute3",
    "CustomAttribute4",
    "CustomAttribute5",
];

trait NotEmulated {
    fn params_not_emulated(self, names: &[&str]) -> Self;
}

impl NotEmulated for Signature {
    fn params_not_emulated(self, names: &[&str]) -> Self {
        names.iter().fold(self, |s, n| s.param(Param::new(n, PsType::Object)))
    }
}

fn identity_param() -> Param {
    Param::new("Identity", PsType::Object).position(0).pipeline().by_property_name()
}

pub fn register(r: &mut Registry) {
    add(
        r,
        Signature::new("New-Mailbox", "Creates a mailbox (and its Maildir++ folders) in an accepted domain.")
            .param(Param::new("Name", PsType::String).position(0).mandatory())
            .param(
                Param::new("MicrosoftOnlineServicesID", PsType::String)
                    .set("MicrosoftOnlineServicesID")
                    .mandatory(),
            )
            .param(
                Param::new("Password", PsType::SecureString)
                    .set("MicrosoftOnlineServicesID")
                    .mandatory()
                    .set("Shared"),
            )
            .param(Param::switch("Shared").set("Shared").mandatory())
            .param(Param::new("Alias", PsType::String))
            .param(Param::new("DisplayName", PsType::String))
            .param(Param::new("FirstName", PsType::String))
            .param(Param::new("LastName", PsType::String))
            .param(Param::new("Initials", PsType::String))
            .param(Param::new("PrimarySmtpAddress", PsType::String))
            .param(Param::new("ResetPasswordOnNextLogon", PsType::Bool))
            .param(Param::switch("Force"))
            .default_set("MicrosoftOnlineServicesID")
            .should_process()
            .example(
                "New-Mailbox -Name terrya -MicrosoftOnlineServicesID terrya@contoso.com -Password (ConvertTo-SecureString -String 'P@ssw0rd1' -AsPlainText -Force)",
                "Creates the mailbox terrya@contoso.com.",
            )
            .example("New-Mailbox -Shared -Name \"Sales Department\" -DisplayName \"Sales Department\" -Alias Sales", "Creates a shared mailbox."),
        new,
    );
    add(
        r,
        Signature::new("Get-Mailbox", "Gets mailboxes.")
            .param(identity_param().set("Identity"))
            .param(Param::new("Anr", PsType::String).set("AnrSet"))
            .param(Param::new("ResultSize", PsType::String))
            .param(Param::new("Filter", PsType::String))
            .param(Param::new("RecipientTypeDetails", PsType::Array(Box::new(PsType::String))))
            .param(Param::new("SortBy", PsType::String))
            .param(Param::switch("SoftDeletedMailbox"))
            .param(Param::switch("IncludeInactiveMailbox"))
            .param(Param::switch("InactiveMailboxOnly"))
            .param(Param::switch("Archive"))
            .param(Param::switch("Migration"))
            .param(Param::switch("GroupMailbox"))
            .param(Param::switch("PublicFolder"))
            .default_set("Identity")
            .example("Get-Mailbox -ResultSize unlimited", "All mailboxes.")
            .example("Get-Mailbox -Anr Chr", "Mailboxes whose names start with Chr.")
            .example("Get-Mailbox -ResultSize 3", "The first three mailboxes."),
        get,
    );
    add(
        r,
        Signature::new("Set-Mailbox", "Changes a mailbox.")
            .param(identity_param().mandatory())
            .param(Param::new("DisplayName", PsType::String))
            .param(Param::new("Name", PsType::String))
            .param(Param::new("Alias", PsType::String))
            .param(Param::switch("Force"))
            .params_not_emulated(SET_MAILBOX_NOT_EMULATED)
            .should_process()
            .example("Set-Mailbox -Identity terrya -DisplayName \"Terry Adams\"", "Changes the display name."),
        set,
    );
    add(
        r,
        Signature::new("Remove-Mailbox", "Removes a mailbox (soft delete: its Maildir is moved aside).")
            .param(identity_param().mandatory())
            .param(Param::switch("PermanentlyDelete"))
            .param(Param::switch("Force"))
            .param(Param::switch("Migration"))
            .should_process()
            .example("Remove-Mailbox -Identity \"John Rodman\" -Confirm:$false", "Removes John Rodman's mailbox."),
        remove,
    );
    add(
        r,
        Signature::new("Get-MailboxStatistics", "Gets the size and item count of a mailbox (from its Maildir).")
            .param(identity_param().mandatory())
            .param(Param::switch("Archive"))
            .param(Param::switch("IncludeSoftDeletedRecipients"))
            .param(Param::switch("IncludeMoveHistory"))
            .param(Param::switch("IncludeMoveReport"))
            .example("Get-MailboxStatistics -Identity AylaKol", "Statistics of AylaKol's mailbox."),
        stats,
    );
    add(
        r,
        Signature::new("Get-MailboxFolderStatistics", "Gets per-folder item counts and sizes of a mailbox.")
            .param(Param::new("Identity", PsType::Object).position(0).mandatory().by_property_name())
            .param(Param::new("FolderScope", PsType::String))
            .param(Param::switch("IncludeOldestAndNewestItems"))
            .param(Param::switch("IncludeAnalysis"))
            .param(Param::switch("Archive"))
            .param(Param::new("ResultSize", PsType::String))
            .example("Get-MailboxFolderStatistics -Identity Chris -FolderScope Inbox", "Chris's Inbox."),
        folder_stats,
    );
    add(
        r,
        Signature::new("Enable-Mailbox", "Enables an archive for a mailbox (archives are not emulated by exosh).")
            .param(identity_param().mandatory())
            .param(Param::switch("Archive"))
            .param(Param::switch("AutoExpandingArchive"))
            .should_process(),
        enable,
    );
    add(
        r,
        Signature::new("Disable-Mailbox", "Disables the archive of a mailbox (archives are not emulated by exosh).")
            .param(identity_param().mandatory())
            .param(Param::switch("Archive"))
            .should_process(),
        enable,
    );
    add(
        r,
        Signature::new("Get-Recipient", "Gets recipients (the mailboxes of the local tenant).")
            .param(identity_param())
            .param(Param::new("ResultSize", PsType::String))
            .param(Param::new("RecipientTypeDetails", PsType::Array(Box::new(PsType::String))))
            .param(Param::new("RecipientType", PsType::Array(Box::new(PsType::String))))
            .param(Param::new("Filter", PsType::String))
            .param(Param::new("Anr", PsType::String))
            .example("Get-Recipient -ResultSize Unlimited", "Every recipient."),
        get,
    );
    add(
        r,
        Signature::new("Get-User", "Gets the user accounts of the mailboxes.")
            .param(identity_param())
            .param(Param::new("ResultSize", PsType::String))
            .param(Param::new("RecipientTypeDetails", PsType::Array(Box::new(PsType::String))))
            .param(Param::new("Filter", PsType::String))
            .param(Param::new("Anr", PsType::String))
            .example("Get-User -ResultSize Unlimited", "Every user."),
        get,
    );
}

fn new(ex: &mut Ex) -> R<()> {
    let t = ex.tenant()?;
    let password = match ex.call.get("Password") {
        Some(Value::SecureString(s)) => Some(s.text.clone()),
        Some(Value::Null) | None => None,
        Some(other) => Some(to_string(other)),
    };
    let p = NewMailbox {
        name: ex.str("Name").unwrap_or_default(),
        microsoft_online_services_id: ex.str("MicrosoftOnlineServicesID"),
        primary_smtp_address: ex.str("PrimarySmtpAddress"),
        alias: ex.str("Alias"),
        display_name: ex.str("DisplayName"),
        first_name: ex.str("FirstName"),
        last_name: ex.str("LastName"),
        password,
        shared: ex.flag("Shared"),
    };
    if !ex.should_process(&p.name, false)? {
        return Ok(());
    }
    match t.store.new_mailbox(&p) {
        Ok(m) => ex.emit(&m),
        Err(e) => ex.write_tenant_error(&e, &p.name),
    }
}

/// `-ResultSize`: None = unlimited; default 1000.
pub fn result_size(ex: &Ex) -> Option<usize> {
    match ex.str("ResultSize") {
        None => Some(1000),
        Some(s) if s.trim().eq_ignore_ascii_case("unlimited") => None,
        Some(s) => Some(s.trim().parse().unwrap_or(1000)),
    }
}

fn get(ex: &mut Ex) -> R<()> {
    let t = ex.tenant()?;
    let id = ex.identity("Identity");
    let mut list = match t.store.get_mailboxes(id.as_deref()) {
        Ok(v) => v,
        Err(e) => return ex.write_tenant_error(&e, id.as_deref().unwrap_or("")),
    };
    if ex.flag("SoftDeletedMailbox")
        || ex.flag("InactiveMailboxOnly")
        || ex.flag("Migration")
        || ex.flag("GroupMailbox")
        || ex.flag("PublicFolder")
    {
        list.clear();
    }
    if let Some(anr) = ex.str("Anr") {
        let a = anr.to_lowercase();
        list.retain(|m| {
            [&m.name, &m.display_name, &m.alias, &m.primary_smtp_address]
                .iter()
                .any(|s| s.to_lowercase().starts_with(&a))
                || m.first_name.as_deref().is_some_and(|f| f.to_lowercase().starts_with(&a))
                || m.last_name.as_deref().is_some_and(|f| f.to_lowercase().starts_with(&a))
        });
    }
    if let Some(types) = ex.strings("RecipientTypeDetails") {
        let types: Vec<String> =
            types.iter().flat_map(|t| t.split(',').map(|s| s.trim().to_lowercase()).collect::<Vec<_>>()).collect();
        list.retain(|m| types.iter().any(|t| *t == m.recipient_type_details.to_string().to_lowercase()));
    }
    if let Some(sort) = ex.str("SortBy") {
        let key = |m: &Mailbox| match sort.to_lowercase().as_str() {
            "displayname" => m.display_name.to_lowercase(),
            "alias" => m.alias.to_lowercase(),
            _ => m.name.to_lowercase(),
        };
        list.sort_by_key(key);
    }
    let filter = match ex.str("Filter") {
        Some(f) => match Filter::parse(&f) {
            Some(flt) => Some(flt),
            None => {
                let e = TenantError::invalid(
                    "InvalidFilterException",
                    format!(
                        "Cannot bind parameter 'Filter' to the target. Exception setting \"Filter\": \"Invalid filter syntax. For a description of the filter parameter syntax see the command help.\n\"{f}\"\""
                    ),
                );
                return ex.write_tenant_error(&e, &f);
            }
        },
        None => None,
    };
    let limit = result_size(ex);
    let user = ex.call.name.eq_ignore_ascii_case("Get-User");
    let recipient = ex.call.name.eq_ignore_ascii_case("Get-Recipient");
    let mut n = 0usize;
    for m in list {
        let v = object_value(&m);
        if let Some(f) = &filter
            && !f.matches(&v)
        {
            continue;
        }
        if limit.is_some_and(|l| n >= l) {
            if id.is_none() && !ex.call.has("ResultSize") {
                ex.more_results_warning()?;
            }
            break;
        }
        n += 1;
        let v = if user {
            retype(v, "Microsoft.Exchange.Data.Directory.Management.User")
        } else if recipient {
            retype(v, "Microsoft.Exchange.Data.Directory.Management.ReducedRecipient")
        } else {
            v
        };
        ex.out.emit(ex.cx, v)?;
    }
    Ok(())
}

fn retype(v: Value, type_name: &str) -> Value {
    if let Value::Object(o) = &v {
        let mut o = o.borrow_mut();
        if !o.type_names.is_empty() {
            o.type_names[0] = type_name.to_string();
        }
    }
    v
}

/// A small OPATH filter: `Prop -eq 'v'` clauses joined by `-and`.
struct Filter(Vec<(String, String, String)>);

impl Filter {
    fn parse(s: &str) -> Option<Filter> {
        let re = regex::Regex::new(
            r#"(?i)^\s*\(?\s*(\w+)\s+-(eq|ne|like|notlike)\s+(?:'([^']*)'|"([^"]*)"|(\S+?))\s*\)?\s*$"#,
        )
        .ok()?;
        let parts = regex::Regex::new(r"(?i)\s+-and\s+").ok()?;
        let mut v = Vec::new();
        for clause in parts.split(s.trim().trim_start_matches('{').trim_end_matches('}')) {
            let c = re.captures(clause)?;
            let val = c.get(3).or(c.get(4)).or(c.get(5)).map(|m| m.as_str().to_string()).unwrap_or_default();
            v.push((c[1].to_string(), c[2].to_lowercase(), val));
        }
        Some(Filter(v))
    }
    fn matches(&self, v: &Value) -> bool {
        self.0.iter().all(|(prop, op, want)| {
            let have = property_of(v, prop).map(|x| to_string(&x)).unwrap_or_default();
            let like = || wildcard(want, &have);
            match op.as_str() {
                "eq" => have.eq_ignore_ascii_case(want) || (want.contains('*') && like()),
                "ne" => !have.eq_ignore_ascii_case(want),
                "like" => like(),
                _ => !like(),
            }
        })
    }
}

fn wildcard(pattern: &str, text: &str) -> bool {
    let re = format!("(?i)^{}$", regex::escape(pattern).replace(r"\*", ".*"));
    regex::Regex::new(&re).is_ok_and(|r| r.is_match(text))
}

fn resolve(ex: &mut Ex, id: &str) -> R<Option<Mailbox>> {
    let t = ex.tenant()?;
    match t.store.get_mailboxes(Some(id)) {
        Ok(mut v) if !v.is_empty() => Ok(Some(v.remove(0))),
        Ok(_) => Ok(None),
        Err(e) => {
            ex.write_tenant_error(&e, id)?;
            Ok(None)
        }
    }
}

fn set(ex: &mut Ex) -> R<()> {
    let id = ex.identity("Identity").unwrap_or_default();
    let Some(m) = resolve(ex, &id)? else { return Ok(()) };
    if let Some(p) = SET_MAILBOX_NOT_EMULATED.iter().find(|p| ex.call.has(p)) {
        let e = TenantError::invalid_op(
            "RecipientTaskException",
            format!(
                "The {p} parameter of Set-Mailbox is not emulated by exosh: the local tenant keeps only Name, Alias and DisplayName of a mailbox. \"{}\" was not changed.",
                m.identity()
            ),
        );
        return ex.write_tenant_error(&e, &id);
    }
    let p = SetMailbox { display_name: ex.str("DisplayName"), name: ex.str("Name"), alias: ex.str("Alias") };
    if !ex.should_process(&m.identity(), false)? {
        return Ok(());
    }
    let t = ex.tenant()?;
    match t.store.set_mailbox(&id, &p) {
        Ok(_) => Ok(()),
        Err(e) => ex.write_tenant_error(&e, &id),
    }
}

fn remove(ex: &mut Ex) -> R<()> {
    let id = ex.identity("Identity").unwrap_or_default();
    let Some(m) = resolve(ex, &id)? else { return Ok(()) };
    if !ex.should_process(&m.identity(), !ex.flag("Force"))? {
        return Ok(());
    }
    let t = ex.tenant()?;
    match t.store.remove_mailbox(&id) {
        Ok(_) => Ok(()),
        Err(e) => ex.write_tenant_error(&e, &id),
    }
}

fn stats(ex: &mut Ex) -> R<()> {
    let t = ex.tenant()?;
    let id = ex.identity("Identity").unwrap_or_default();
    if ex.flag("Archive") {
        let e = TenantError::not_found(
            "MailboxNotFoundException",
            format!("The specified mailbox \"{id}\" doesn't have an archive mailbox."),
        );
        return ex.write_tenant_error(&e, &id);
    }
    match t.store.mailbox_statistics(&id) {
        Ok(s) => ex.emit(&s),
        Err(e) => ex.write_tenant_error(&e, &id),
    }
}

fn folder_stats(ex: &mut Ex) -> R<()> {
    let t = ex.tenant()?;
    let id = ex.identity("Identity").unwrap_or_default();
    let scope = ex.str("FolderScope").filter(|s| !s.eq_ignore_ascii_case("all"));
    match t.store.mailbox_folder_statistics(&id, ex.flag("IncludeOldestAndNewestItems")) {
        Ok(v) => {
            let limit = result_size(ex);
            for (i, f) in v.into_iter().enumerate() {
                if limit.is_some_and(|l| i >= l) {
                    break;
                }
                if let Some(s) = &scope
                    && !f.folder_type.eq_ignore_ascii_case(s)
                {
                    continue;
                }
                ex.emit(&f)?;
            }
            Ok(())
        }
        Err(e) => ex.write_tenant_error(&e, &id),
    }
}

fn enable(ex: &mut Ex) -> R<()> {
    let id = ex.identity("Identity").unwrap_or_default();
    let Some(m) = resolve(ex, &id)? else { return Ok(()) };
    if !ex.should_process(&m.identity(), false)? {
        return Ok(());
    }
    let e = if ex.flag("Archive") {
        TenantError::invalid_op(
            "RecipientTaskException",
            format!("Archive mailboxes are not emulated by exosh; \"{}\" was not changed.", m.identity()),
        )
    } else {
        TenantError::invalid_op(
            "RecipientTaskException",
            format!("The mailbox \"{}\" is already enabled.", m.identity()),
        )
    };
    ex.write_tenant_error(&e, &id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_and_match() {
        let f = Filter::parse("Alias -eq 'terrya' -and DisplayName -like 'Ter*'").expect("parses");
        let mut o = crate::runtime::value::PsObject::typed("Mailbox");
        o.set_note("Alias", Value::str("terrya"));
        o.set_note("DisplayName", Value::str("Terry Adams"));
        let v = Value::object(o);
        assert!(f.matches(&v));
        let g = Filter::parse("Alias -ne 'terrya'").expect("parses");
        assert!(!g.matches(&v));
        assert!(Filter::parse("this is not a filter").is_none());
    }
}
