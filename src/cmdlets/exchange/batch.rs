//! Migration batches: New/Get/Set/Start/Stop/Complete/Remove-MigrationBatch.

use super::common::{Ex, add, session_user};
use super::mailbox::result_size;
use crate::runtime::command::Registry;
use crate::runtime::error::R;
use crate::runtime::signature::{Param, Signature};
use crate::runtime::types::PsType;
use crate::runtime::value::Value;
use crate::tenant::{BatchFilter, MigrationBatch, MigrationBatchStatus, NewBatch, SetBatch, TenantError, TimeSpan};

fn identity_param() -> Param {
    Param::new("Identity", PsType::Object).position(0).pipeline()
}

pub fn register(r: &mut Registry) {
    add(
        r,
        Signature::new("New-MigrationBatch", "Creates an IMAP migration batch from a CSV file (-CSVData) and an IMAP endpoint.")
            .param(Param::new("Name", PsType::String).mandatory())
            .param(Param::new("CSVData", PsType::Object).set("Onboarding"))
            .param(Param::new("SourceEndpoint", PsType::Object).set("Onboarding"))
            .param(Param::new("Users", PsType::Object).set("PreexistingUsers").position(0).mandatory().pipeline())
            .param(Param::new("UserIds", PsType::Object).set("PreexistingUserIds").position(0).mandatory())
            .param(Param::switch("DisableOnCopy").set("PreexistingUsers").set("PreexistingUserIds"))
            .param(Param::switch("AutoStart"))
            .param(Param::switch("AutoComplete"))
            .param(Param::new("ExcludeFolders", PsType::Array(Box::new(PsType::String))).set("Onboarding"))
            .param(Param::new("IncludeFolders", PsType::Array(Box::new(PsType::String))).set("Onboarding"))
            .param(Param::new("NotificationEmails", PsType::Array(Box::new(PsType::String))))
            .param(Param::new("StartAfter", PsType::DateTime))
            .param(Param::new("CompleteAfter", PsType::DateTime))
            .param(Param::new("ReportInterval", PsType::TimeSpan))
            .param(Param::switch("SkipReports"))
            .param(Param::new("TimeZone", PsType::String))
            .param(Param::new("AllowUnknownColumnsInCsv", PsType::Bool))
            .param(Param::new("Partition", PsType::Object))
            // EXO-only IMAP parameters the local tenant does not implement:
            // declared (so they are not reported as unknown), refused with a
            // clear error when given.
            .param(Param::new("TargetDeliveryDomain", PsType::String))
            .param(Param::new("TargetDatabases", PsType::Array(Box::new(PsType::String))))
            .param(Param::new("TargetArchiveDatabases", PsType::Array(Box::new(PsType::String))))
            .param(Param::switch("PrimaryOnly"))
            .param(Param::switch("ArchiveOnly"))
            .param(Param::new("MoveOptions", PsType::Array(Box::new(PsType::String))))
            .param(Param::new("SkipMerging", PsType::Array(Box::new(PsType::String))))
            .param(Param::new("SkipMoving", PsType::Array(Box::new(PsType::String))))
            .param(Param::switch("Analyze"))
            .param(Param::switch("SkipDetails"))
            .param(Param::new("ContentFilter", PsType::String))
            .param(Param::new("ContentFilterLanguage", PsType::String))
            .param(Param::switch("AdoptPreexisting"))
            .param(Param::switch("RemoveOnCopy"))
            .default_set("Onboarding")
            .should_process()
            .example(
                "New-MigrationBatch -Name IMAPbatch1 -CSVData ([System.IO.File]::ReadAllBytes(\"C:\\Users\\Administrator\\Desktop\\IMAPmigration_1.csv\")) -SourceEndpoint IMAPEndpoint1 -ExcludeFolders \"Deleted Items\",\"Junk Email\"",
                "A batch that leaves out two folders.",
            )
            .example(
                "New-MigrationBatch -Name IMAPBatch1 -SourceEndpoint IMAPEndpoint -CSVData ([System.IO.File]::ReadAllBytes(\"C:\\Users\\Administrator\\Desktop\\IMAPmigration_1.csv\")) -AutoStart",
                "The walkthrough's batch, started at once.",
            ),
        new,
    );
    add(
        r,
        Signature::new("Get-MigrationBatch", "Gets migration batches.")
            .param(identity_param().set("Identity"))
            .param(Param::new("Endpoint", PsType::Object).set("BatchesByEndpoint"))
            .param(Param::new("Status", PsType::String))
            .param(Param::switch("IncludeReport"))
            .param(Param::new("ResultSize", PsType::String))
            .param(Param::new("DiagnosticInfo", PsType::String))
            .param(Param::new("Partition", PsType::Object))
            .default_set("Identity")
            .example("Get-MigrationBatch -Identity IMAPBatch1 | Format-List", "One batch, every property.")
            .example("Get-MigrationBatch -Identity IMAPBatch1 | Format-List Status", "Its status.")
            .example("Get-MigrationBatch -Status Syncing", "Batches that are syncing.")
            .example("Get-MigrationBatch -Endpoint IMAPEndpoint", "Batches that use an endpoint."),
        get,
    );
    add(
        r,
        Signature::new("Set-MigrationBatch", "Changes a migration batch.")
            .param(identity_param().mandatory())
            .param(Param::switch("AddUsers"))
            .param(Param::new("CSVData", PsType::Object))
            .param(Param::new("NotificationEmails", PsType::Array(Box::new(PsType::String))))
            .param(Param::new("ReportInterval", PsType::TimeSpan))
            .param(Param::new("SkipReports", PsType::Bool))
            .param(Param::new("StartAfter", PsType::Object))
            .param(Param::new("CompleteAfter", PsType::Object))
            .param(Param::switch("SyncNow"))
            .param(Param::switch("Update"))
            .param(Param::switch("ApproveSkippedItems"))
            .param(Param::new("AllowUnknownColumnsInCsv", PsType::Bool))
            .param(Param::new("Partition", PsType::Object))
            .should_process()
            .example("Set-MigrationBatch -Identity MigrationBatch01 -ApproveSkippedItems", "Approves the skipped items.")
            .example(
                "Set-MigrationBatch -Identity MigrationBatch01 -AddUsers -CSVData ([System.IO.File]::ReadAllBytes('C:\\Data\\MigrationBatch01.csv'))",
                "Adds the new rows of a CSV file.",
            ),
        set,
    );
    for (name, synopsis, prompt) in [
        ("Start-MigrationBatch", "Starts (or resumes, or retries) a migration batch.", false),
        ("Stop-MigrationBatch", "Stops a migration batch.", false),
        (
            "Complete-MigrationBatch",
            "Completes a migration batch (IMAP batches are never completed: remove them).",
            false,
        ),
        ("Remove-MigrationBatch", "Removes a migration batch (this ends an IMAP migration).", true),
    ] {
        let mut sig =
            Signature::new(name, synopsis).param(identity_param()).param(Param::new("Partition", PsType::Object));
        if name == "Complete-MigrationBatch" {
            sig = sig.param(Param::switch("SyncAndComplete"));
        }
        let sig = sig
            .should_process()
            .example(&format!("{name} -Identity IMAPBatch1{}", if prompt { " -Confirm:$false" } else { "" }), synopsis);
        add(
            r,
            sig,
            match name {
                "Start-MigrationBatch" => start,
                "Stop-MigrationBatch" => stop,
                "Complete-MigrationBatch" => complete,
                _ => remove,
            },
        );
    }
}

fn timespan(ex: &Ex, name: &str) -> Option<TimeSpan> {
    match ex.call.get(name)? {
        Value::TimeSpan(t) => Some(TimeSpan { ticks: t.ticks }),
        Value::Int(i) => Some(TimeSpan { ticks: i64::from(*i) }),
        Value::Long(i) => Some(TimeSpan { ticks: *i }),
        _ => None,
    }
}

fn new(ex: &mut Ex) -> R<()> {
    let t = ex.tenant()?;
    let name = ex.str("Name").unwrap_or_default();
    if let Some(p) =
        ["Analyze", "SkipDetails", "ContentFilter", "ContentFilterLanguage", "AdoptPreexisting", "RemoveOnCopy"]
            .into_iter()
            .find(|p| ex.call.has(p))
    {
        let e = TenantError::invalid_op(
            "MigrationPermanentException",
            format!(
                "The {p} parameter is not emulated by exosh: the local tenant migrates whole IMAP mailboxes (use -ExcludeFolders/-IncludeFolders to choose folders)."
            ),
        );
        return ex.write_tenant_error(&e, &name);
    }
    // Remote-move settings: accepted by Exchange Online, meaningless for an
    // IMAP batch (no mailbox moves, no databases); said, then ignored.
    for p in [
        "TargetDeliveryDomain",
        "TargetDatabases",
        "TargetArchiveDatabases",
        "PrimaryOnly",
        "ArchiveOnly",
        "MoveOptions",
        "SkipMerging",
        "SkipMoving",
    ] {
        if ex.call.has(p) {
            let action = ex.call.bound.common.warning_action;
            ex.cx.write_warning(action, &format!("The {p} parameter applies to remote move migrations; it has no effect on an IMAP batch and is ignored."))?;
        }
    }
    if ex.call.has("Users") || ex.call.has("UserIds") {
        let e = TenantError::invalid_op(
            "MigrationPermanentException",
            "exosh does not emulate copying migration users into a new batch (-Users/-UserIds); create the batch from a CSV file with -CSVData.",
        );
        return ex.write_tenant_error(&e, &name);
    }
    if let Some(tz) = ex.str("TimeZone")
        && !matches!(tz.trim().to_ascii_lowercase().as_str(), "utc" | "coordinated universal time")
    {
        let e = TenantError::invalid(
            "MigrationPermanentException",
            format!("exosh only supports the UTC time zone for -TimeZone; \"{tz}\" isn't supported."),
        );
        return ex.write_tenant_error(&e, &name);
    }
    let p = NewBatch {
        name: name.clone(),
        source_endpoint: ex.identity("SourceEndpoint"),
        auto_start: ex.flag("AutoStart"),
        auto_complete: ex.flag("AutoComplete"),
        allow_unknown_columns: ex.flag("AllowUnknownColumnsInCsv"),
        exclude_folders: ex.strings("ExcludeFolders").unwrap_or_default(),
        include_folders: ex.strings("IncludeFolders").unwrap_or_default(),
        notification_emails: ex.strings("NotificationEmails").unwrap_or_default(),
        start_after: ex.date("StartAfter")?,
        complete_after: ex.date("CompleteAfter")?,
        report_interval: timespan(ex, "ReportInterval"),
        skip_reports: ex.flag("SkipReports"),
        submitted_by: session_user().unwrap_or_else(|| "admin@exosh.local".into()),
    };
    let csv = ex.bytes("CSVData").unwrap_or_default();
    if !ex.should_process(&name, false)? {
        return Ok(());
    }
    match t.new_batch(&p, &csv) {
        Ok(b) => ex.emit(&b),
        Err(e) => ex.write_tenant_error(&e, &name),
    }
}

fn get(ex: &mut Ex) -> R<()> {
    let t = ex.tenant()?;
    let f = BatchFilter {
        identity: ex.identity("Identity"),
        status: ex.enum_param::<MigrationBatchStatus>("Status")?,
        endpoint: ex.identity("Endpoint"),
        include_report: ex.flag("IncludeReport"),
        result_size: result_size(ex),
    };
    match t.store.get_batches(&f) {
        Ok(v) => {
            for b in v {
                ex.emit(&b)?;
            }
            Ok(())
        }
        Err(e) => ex.write_tenant_error(&e, f.identity.as_deref().unwrap_or("")),
    }
}

/// Resolves the batch an action is about (written error when unknown).
fn find(ex: &mut Ex) -> R<Option<(String, MigrationBatch)>> {
    let t = ex.tenant()?;
    let id = match ex.identity("Identity") {
        Some(id) => id,
        // Without -Identity (documented for Stop-MigrationBatch: "the batch
        // currently being processed") the only batch of the tenant is meant.
        None => match t.store.get_batches(&BatchFilter::default()) {
            Ok(v) if v.len() == 1 => v[0].name.clone(),
            Ok(_) => {
                let e = TenantError::invalid(
                    "MigrationBatchNotFoundException",
                    "The tenant has more than one migration batch (or none); specify the batch with the Identity parameter.",
                );
                ex.write_tenant_error(&e, "")?;
                return Ok(None);
            }
            Err(e) => {
                ex.write_tenant_error(&e, "")?;
                return Ok(None);
            }
        },
    };
    let f = BatchFilter { identity: Some(id.clone()), ..Default::default() };
    match t.store.get_batches(&f) {
        Ok(mut v) if !v.is_empty() => Ok(Some((id, v.remove(0)))),
        Ok(_) => Ok(None),
        Err(e) => {
            ex.write_tenant_error(&e, &id)?;
            Ok(None)
        }
    }
}

fn set(ex: &mut Ex) -> R<()> {
    let Some((id, b)) = find(ex)? else { return Ok(()) };
    let csv = ex.bytes("CSVData");
    if csv.is_some() && !ex.flag("AddUsers") {
        let e = TenantError::invalid(
            "MigrationPermanentException",
            "The CSVData parameter can only be used with the AddUsers parameter on an existing batch.",
        );
        return ex.write_tenant_error(&e, &b.name);
    }
    let date_opt = |ex: &Ex, n: &str| -> R<Option<Option<chrono::DateTime<chrono::Utc>>>> {
        if ex.call.has(n) { Ok(Some(ex.date(n)?)) } else { Ok(None) }
    };
    let p = SetBatch {
        notification_emails: ex.strings("NotificationEmails"),
        start_after: date_opt(ex, "StartAfter")?,
        complete_after: date_opt(ex, "CompleteAfter")?,
        allow_unknown_columns: ex.opt_bool("AllowUnknownColumnsInCsv"),
        report_interval: timespan(ex, "ReportInterval"),
        skip_reports: ex.opt_bool("SkipReports"),
        add_users_csv: csv,
        sync_now: ex.flag("SyncNow"),
        update: ex.flag("Update"),
        approve_skipped_items: ex.flag("ApproveSkippedItems"),
    };
    if !ex.should_process(&b.name, false)? {
        return Ok(());
    }
    let t = ex.tenant()?;
    match t.store.set_batch(&id, &p) {
        Ok(nb) => {
            if p.sync_now {
                t.sync_batch_now(&nb);
            }
            Ok(())
        }
        Err(e) => ex.write_tenant_error(&e, &b.name),
    }
}

fn transition(
    ex: &mut Ex,
    prompt: bool,
    op: fn(&crate::tenant::Tenant, &str) -> crate::tenant::TenantResult<MigrationBatch>,
) -> R<()> {
    let Some((id, b)) = find(ex)? else { return Ok(()) };
    if !ex.should_process(&b.name, prompt)? {
        return Ok(());
    }
    let t = ex.tenant()?;
    match op(&t, &id) {
        Ok(_) => Ok(()),
        Err(e) => ex.write_tenant_error(&e, &b.name),
    }
}

fn start(ex: &mut Ex) -> R<()> {
    transition(ex, false, |t, id| t.start_batch(id))
}

fn stop(ex: &mut Ex) -> R<()> {
    transition(ex, false, |t, id| t.stop_batch(id))
}

fn complete(ex: &mut Ex) -> R<()> {
    transition(ex, false, |t, id| t.store.complete_batch(id))
}

fn remove(ex: &mut Ex) -> R<()> {
    transition(ex, true, |t, id| t.remove_batch(id))
}
