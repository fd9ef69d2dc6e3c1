//! The REST cmdlets of the current module: Get-EXOMailbox,
//! Get-EXOMailboxStatistics, Get-EXORecipient. They return the same objects
//! as Get-Mailbox/Get-MailboxStatistics/Get-Recipient, cut to the module's
//! "Minimum" property set unless `-PropertySets`/`-Properties` ask for more.

use super::common::{Ex, add};
use super::convert::object_value;
use super::mailbox::result_size;
use crate::runtime::command::Registry;
use crate::runtime::error::R;
use crate::runtime::signature::{Param, Signature};
use crate::runtime::types::PsType;
use crate::runtime::value::{Member, PsObject, Value};

const MAILBOX_MINIMUM: &[&str] = &[
    "ExternalDirectoryObjectId",
    "UserPrincipalName",
    "Alias",
    "DisplayName",
    "EmailAddresses",
    "PrimarySmtpAddress",
    "RecipientType",
    "RecipientTypeDetails",
    "Identity",
    "Id",
    "ExchangeVersion",
    "Name",
    "DistinguishedName",
    "OrganizationId",
    "Guid",
];

const STATS_MINIMUM: &[&str] =
    &["DeletedItemCount", "DisplayName", "ItemCount", "MailboxGuid", "TotalDeletedItemSize", "TotalItemSize"];

fn common(sig: Signature) -> Signature {
    sig.param(Param::new("PropertySets", PsType::Array(Box::new(PsType::String))))
        .param(Param::new("Properties", PsType::Array(Box::new(PsType::String))))
}

pub fn register(r: &mut Registry) {
    for name in ["Get-EXOMailbox", "Get-EXORecipient"] {
        add(
            r,
            common(
                Signature::new(
                    name,
                    "Gets mailboxes (REST cmdlet; the Minimum property set unless -PropertySets/-Properties).",
                )
                .param(Param::new("Identity", PsType::Object).position(0).pipeline().by_property_name())
                .param(Param::new("UserPrincipalName", PsType::String))
                .param(Param::new("PrimarySmtpAddress", PsType::String))
                .param(Param::new("ExternalDirectoryObjectId", PsType::String))
                .param(Param::new("Anr", PsType::String))
                .param(Param::new("Filter", PsType::String))
                .param(Param::new("RecipientTypeDetails", PsType::Array(Box::new(PsType::String))))
                .param(Param::new("ResultSize", PsType::String)),
            )
            .example(&format!("{name} -ResultSize Unlimited"), "Every mailbox.")
            .example(&format!("{name} -Identity terrya -PropertySets All"), "Every property of one mailbox."),
            mailboxes,
        );
    }
    add(
        r,
        common(
            Signature::new("Get-EXOMailboxStatistics", "Gets mailbox statistics (REST cmdlet).")
                .param(Param::new("Identity", PsType::Object).position(0).pipeline().by_property_name())
                .param(Param::new("UserPrincipalName", PsType::String))
                .param(Param::new("PrimarySmtpAddress", PsType::String))
                .param(Param::new("ExchangeGuid", PsType::Object))
                .param(Param::switch("Archive")),
        )
        .example("Get-EXOMailboxStatistics -Identity terrya", "Size and item count of terrya's mailbox."),
        stats,
    );
}

/// Keeps `RunspaceId`, the minimum set (or everything with
/// `-PropertySets All`) and the `-Properties` asked for.
/// The REST module's own type names (its objects are not the RPS ones).
const EXO_MAILBOX: &str = "Microsoft.Exchange.Management.RestApiClient.ExoMailbox";
const EXO_RECIPIENT: &str = "Microsoft.Exchange.Management.RestApiClient.ExoRecipient";
const EXO_STATS: &str = "Microsoft.Exchange.Management.RestApiClient.ExoMailboxStatistics";

fn retype(v: Value, type_name: &str) -> Value {
    if let Value::Object(o) = &v {
        let mut o = o.borrow_mut();
        o.type_names = vec![type_name.to_string(), "System.Object".to_string()];
    }
    v
}

fn cut(ex: &Ex, v: Value, minimum: &[&str]) -> Value {
    let sets = ex.strings("PropertySets").unwrap_or_default();
    if sets.iter().any(|s| s.eq_ignore_ascii_case("All")) {
        return v;
    }
    let extra = ex.strings("Properties").unwrap_or_default();
    let Value::Object(o) = &v else { return v };
    let src = o.borrow();
    let mut out = PsObject { type_names: src.type_names.clone(), ..Default::default() };
    for (n, m) in src.members.values() {
        let keep = n == "RunspaceId"
            || minimum.iter().any(|x| x.eq_ignore_ascii_case(n))
            || extra.iter().any(|x| x.eq_ignore_ascii_case(n));
        if keep && let Member::Note(x) = m {
            out.set_note(n, x.clone());
        }
    }
    Value::object(out)
}

fn mailboxes(ex: &mut Ex) -> R<()> {
    let t = ex.tenant()?;
    let id = ex
        .identity("Identity")
        .or_else(|| ex.str("UserPrincipalName"))
        .or_else(|| ex.str("PrimarySmtpAddress"))
        .or_else(|| ex.str("ExternalDirectoryObjectId"));
    let list = match t.store.get_mailboxes(id.as_deref()) {
        Ok(v) => v,
        Err(e) => return ex.write_tenant_error(&e, id.as_deref().unwrap_or("")),
    };
    let limit = result_size(ex);
    let anr = ex.str("Anr").map(|s| s.to_lowercase());
    for (i, m) in list.into_iter().enumerate() {
        if limit.is_some_and(|l| i >= l) {
            break;
        }
        if let Some(a) = &anr
            && ![&m.name, &m.alias, &m.display_name, &m.primary_smtp_address]
                .iter()
                .any(|s| s.to_lowercase().starts_with(a))
        {
            continue;
        }
        let ty = if ex.call.name.eq_ignore_ascii_case("Get-EXORecipient") { EXO_RECIPIENT } else { EXO_MAILBOX };
        let v = retype(cut(ex, object_value(&m), MAILBOX_MINIMUM), ty);
        ex.out.emit(ex.cx, v)?;
    }
    Ok(())
}

fn stats(ex: &mut Ex) -> R<()> {
    let t = ex.tenant()?;
    let id = ex
        .identity("Identity")
        .or_else(|| ex.str("UserPrincipalName"))
        .or_else(|| ex.str("PrimarySmtpAddress"))
        .or_else(|| ex.str("ExchangeGuid"))
        .unwrap_or_default();
    match t.store.mailbox_statistics(&id) {
        Ok(s) => {
            let v = retype(cut(ex, object_value(&s), STATS_MINIMUM), EXO_STATS);
            ex.out.emit(ex.cx, v)
        }
        Err(e) => ex.write_tenant_error(&e, &id),
    }
}
