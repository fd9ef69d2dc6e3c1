//! Migration users: Get/Set/Start/Stop/Remove-MigrationUser and
//! Get-MigrationUserStatistics.

use super::common::{Ex, add};
use super::mailbox::result_size;
use crate::runtime::command::Registry;
use crate::runtime::convert::to_string;
use crate::runtime::error::R;
use crate::runtime::signature::{Param, Signature};
use crate::runtime::types::PsType;
use crate::tenant::{
    MigrationUser, MigrationUserStatus, MigrationUserStatusSummary, SetUser, TenantError, UserCursor, UserFilter,
    UserStatisticsOptions,
};

fn identity_param() -> Param {
    Param::new("Identity", PsType::Object).position(0).pipeline()
}

pub fn register(r: &mut Registry) {
    add(
        r,
        Signature::new("Get-MigrationUser", "Gets migration users (one per CSV row of every batch).")
            .param(identity_param().set("Identity"))
            .param(Param::new("BatchId", PsType::Object).set("StatusAndBatchId"))
            .param(Param::new("Status", PsType::String).set("StatusAndBatchId"))
            .param(Param::new("StatusSummary", PsType::String).set("StatusAndBatchId"))
            .param(Param::new("EmailAddress", PsType::String).set("EmailAddress").mandatory())
            .param(Param::new("MailboxGuid", PsType::Guid).set("MailboxGuid").mandatory())
            .param(Param::new("ResultSize", PsType::String))
            .param(Param::switch("IncludeAssociatedUsers"))
            .param(Param::new("Partition", PsType::Object))
            .default_set("Identity")
            .example("Get-MigrationUser -Identity TonySmith@contoso.com", "One user.")
            .example(
                "Get-MigrationUser -EmailAddress TonySmith@contoso.com | Get-MigrationUserStatistics",
                "Statistics of a user.",
            )
            .example("Get-MigrationUser -Status Failed", "Users that failed.")
            .example("Get-MigrationUser -BatchId IMAPBatch1", "Users of a batch."),
        get,
    );
    add(
        r,
        Signature::new("Set-MigrationUser", "Changes the migration settings of one user.")
            .param(identity_param().mandatory())
            .param(Param::switch("ApproveSkippedItems"))
            .param(Param::new("StartAfter", PsType::Object))
            .param(Param::new("CompleteAfter", PsType::Object))
            .param(Param::switch("SyncNow"))
            .param(Param::new("Partition", PsType::Object))
            .should_process()
            .example(
                "Set-MigrationUser -Identity laura@contoso.com -ApproveSkippedItems",
                "Approves the skipped items of a user.",
            ),
        set,
    );
    for (name, synopsis, mandatory) in [
        ("Start-MigrationUser", "Starts (or retries) one user of a batch.", false),
        ("Stop-MigrationUser", "Stops one user of a batch.", false),
        ("Remove-MigrationUser", "Removes a user from its batch.", true),
    ] {
        let p = if mandatory { identity_param().mandatory() } else { identity_param() };
        let run: super::common::RunFn = match name {
            "Start-MigrationUser" => start,
            "Stop-MigrationUser" => stop,
            _ => remove,
        };
        add(
            r,
            Signature::new(name, synopsis)
                .param(p)
                .param(Param::new("Partition", PsType::Object))
                .should_process()
                .example(
                    &format!("{name} -Identity laura@contoso.com{}", if mandatory { " -Confirm:$false" } else { "" }),
                    synopsis,
                ),
            run,
        );
    }
    add(
        r,
        Signature::new("Get-MigrationUserStatistics", "Gets the detailed migration statistics of a user.")
            .param(identity_param().mandatory())
            .param(Param::switch("IncludeReport"))
            .param(Param::switch("IncludeSkippedItems"))
            .param(Param::new("LimitSkippedItemsTo", PsType::Int))
            .param(Param::switch("SkipSubscription"))
            .param(Param::switch("IncludeCopilotReport"))
            .param(Param::new("DiagnosticInfo", PsType::String))
            .param(Param::new("Partition", PsType::Object))
            .example("Get-MigrationUserStatistics -Identity davidp@corp.contoso.com -IncludeReport | Format-List Status,Error,Report", "Status, error and report.")
            .example("Get-MigrationUserStatistics -Identity davidp@corp.contoso.com | Format-List SkippedItemCount,SkippedItems", "Skipped items.")
            .example("Get-MigrationUser -BatchId StagedBatch1 | Get-MigrationUserStatistics", "Statistics of every user of a batch."),
        stats,
    );
}

fn get(ex: &mut Ex) -> R<()> {
    let t = ex.tenant()?;
    let f = UserFilter {
        identity: ex.identity("Identity"),
        batch: ex.identity("BatchId"),
        status: ex.enum_param::<MigrationUserStatus>("Status")?,
        status_summary: ex.enum_param::<MigrationUserStatusSummary>("StatusSummary")?,
        email_address: ex.str("EmailAddress"),
        mailbox_guid: ex.call.get("MailboxGuid").and_then(|v| uuid::Uuid::parse_str(to_string(v).trim()).ok()),
    };
    let target = f.identity.clone().or(f.batch.clone()).or(f.email_address.clone()).unwrap_or_default();
    let limit = result_size(ex);
    let store = t.store.clone();
    // One row more than asked, to know whether the default limit cut the output.
    let cursor = UserCursor::new(store.as_ref(), f, limit.map(|l| l + 1));
    for (i, u) in cursor.enumerate() {
        match u {
            Ok(_) if limit.is_some_and(|l| i >= l) => {
                if !ex.call.has("ResultSize") {
                    ex.more_results_warning()?;
                }
                break;
            }
            Ok(u) => ex.emit(&u)?,
            Err(e) => return ex.write_tenant_error(&e, &target),
        }
    }
    Ok(())
}

fn find(ex: &mut Ex) -> R<Option<(String, MigrationUser)>> {
    let t = ex.tenant()?;
    let Some(id) = ex.identity("Identity") else {
        let e = TenantError::invalid(
            "MigrationUserNotFoundException",
            "Specify the migration user with the Identity parameter.",
        );
        ex.write_tenant_error(&e, "")?;
        return Ok(None);
    };
    let f = UserFilter { identity: Some(id.clone()), ..Default::default() };
    match t.store.get_users_page(&f, i64::MIN, 1) {
        Ok((mut v, _)) if !v.is_empty() => Ok(Some((id, v.remove(0)))),
        Ok(_) => {
            let e = TenantError::not_found(
                "MigrationUserNotFoundException",
                format!("The migration user \"{id}\" couldn't be found."),
            );
            ex.write_tenant_error(&e, &id)?;
            Ok(None)
        }
        Err(e) => {
            ex.write_tenant_error(&e, &id)?;
            Ok(None)
        }
    }
}

fn set(ex: &mut Ex) -> R<()> {
    let Some((id, u)) = find(ex)? else { return Ok(()) };
    let date_opt = |ex: &Ex, n: &str| -> R<Option<Option<chrono::DateTime<chrono::Utc>>>> {
        if ex.call.has(n) { Ok(Some(ex.date(n)?)) } else { Ok(None) }
    };
    let p = SetUser {
        start_after: date_opt(ex, "StartAfter")?,
        complete_after: date_opt(ex, "CompleteAfter")?,
        sync_now: ex.flag("SyncNow"),
        approve_skipped_items: ex.flag("ApproveSkippedItems"),
    };
    if !ex.should_process(&u.email_address, false)? {
        return Ok(());
    }
    let t = ex.tenant()?;
    match t.store.set_user(&id, &p) {
        Ok(nu) => {
            if p.sync_now {
                t.sync_user_now(&nu);
            }
            Ok(())
        }
        Err(e) => ex.write_tenant_error(&e, &u.email_address),
    }
}

fn transition(
    ex: &mut Ex,
    prompt: bool,
    op: fn(&crate::tenant::Tenant, &str) -> crate::tenant::TenantResult<MigrationUser>,
) -> R<()> {
    let Some((id, u)) = find(ex)? else { return Ok(()) };
    if !ex.should_process(&u.email_address, prompt)? {
        return Ok(());
    }
    let t = ex.tenant()?;
    match op(&t, &id) {
        Ok(_) => Ok(()),
        Err(e) => ex.write_tenant_error(&e, &u.email_address),
    }
}

fn start(ex: &mut Ex) -> R<()> {
    transition(ex, false, |t, id| t.start_user(id))
}

fn stop(ex: &mut Ex) -> R<()> {
    transition(ex, false, |t, id| t.stop_user(id))
}

fn remove(ex: &mut Ex) -> R<()> {
    transition(ex, true, |t, id| t.store.remove_user(id))
}

fn stats(ex: &mut Ex) -> R<()> {
    let t = ex.tenant()?;
    let id = ex.identity("Identity").unwrap_or_default();
    let o = UserStatisticsOptions {
        include_skipped_items: ex.flag("IncludeSkippedItems"),
        limit_skipped_items_to: ex.call.int("LimitSkippedItemsTo").and_then(|n| usize::try_from(n).ok()),
        include_report: ex.flag("IncludeReport"),
    };
    match t.store.user_statistics(&id, &o) {
        Ok(s) => ex.emit(&s),
        Err(e) => ex.write_tenant_error(&e, &id),
    }
}
