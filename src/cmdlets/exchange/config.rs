//! Organization-wide objects: Get-MigrationStatistics, Get/Set-MigrationConfig,
//! Get/Set-OrganizationConfig.

use super::common::{Ex, add};
use super::convert::runspace_id;
use crate::runtime::command::Registry;
use crate::runtime::error::R;
use crate::runtime::signature::{Param, Signature};
use crate::runtime::types::PsType;
use crate::runtime::value::{PsObject, Value};
use crate::tenant::{MigrationFeature, SetConfig, TenantError};

pub fn register(r: &mut Registry) {
    add(
        r,
        Signature::new("Get-MigrationStatistics", "Gets the counts of migration users over all batches.")
            .param(Param::new("DiagnosticInfo", PsType::String))
            .param(Param::new("Partition", PsType::Object))
            .example("Get-MigrationStatistics", "The organization's migration counts."),
        stats,
    );
    add(
        r,
        Signature::new("Get-MigrationConfig", "Gets the organization's migration settings.")
            .param(Param::switch("AllPartitions").set("AllPartitions").mandatory())
            .param(Param::switch("IncludeSimplifiedGmailMigrationData").set("AllPartitions").set("Partition"))
            .param(Param::new("Partition", PsType::Object).set("Partition"))
            .default_set("Partition")
            .example("Get-MigrationConfig", "The migration settings."),
        get_config,
    );
    add(
        r,
        Signature::new("Set-MigrationConfig", "Changes the organization's migration settings.")
            .param(Param::new("MaxNumberOfBatches", PsType::Int))
            .param(Param::new("MaxConcurrentMigrations", PsType::Object))
            .param(Param::new("Features", PsType::String))
            .param(Param::new("Partition", PsType::Object))
            .should_process()
            .example("Set-MigrationConfig -MaxNumberOfBatches 50", "At most 50 batches."),
        set_config,
    );
    add(
        r,
        Signature::new("Get-OrganizationConfig", "Gets the organization's configuration (the local tenant's).")
            .param(Param::new("Identity", PsType::Object).position(0).pipeline())
            .example("Get-OrganizationConfig | Format-List Name,DisplayName", "The organization's name."),
        get_org,
    );
    add(
        r,
        Signature::new(
            "Set-OrganizationConfig",
            "Organization settings are not emulated by exosh (public folders, policies ...).",
        )
        .param(Param::new("Settings", PsType::Object).remaining())
        .should_process(),
        set_org,
    );
}

fn stats(ex: &mut Ex) -> R<()> {
    let t = ex.tenant()?;
    match t.store.migration_statistics() {
        Ok(s) => ex.emit(&s),
        Err(e) => ex.write_tenant_error(&e, ""),
    }
}

fn get_config(ex: &mut Ex) -> R<()> {
    let t = ex.tenant()?;
    match t.store.migration_config() {
        Ok(c) => ex.emit(&c),
        Err(e) => ex.write_tenant_error(&e, ""),
    }
}

fn set_config(ex: &mut Ex) -> R<()> {
    let t = ex.tenant()?;
    let p = SetConfig {
        max_number_of_batches: ex.call.int("MaxNumberOfBatches").and_then(|n| u32::try_from(n).ok()),
        max_concurrent_migrations: ex.unlimited("MaxConcurrentMigrations")?,
        features: ex.enum_param::<MigrationFeature>("Features")?,
    };
    if !ex.should_process("MigrationConfig", false)? {
        return Ok(());
    }
    match t.store.set_migration_config(&p) {
        Ok(_) => Ok(()),
        Err(e) => ex.write_tenant_error(&e, ""),
    }
}

fn org_name(ex: &mut Ex) -> R<String> {
    let t = ex.tenant()?;
    let domains = t.store.get_accepted_domains(None).unwrap_or_default();
    Ok(domains
        .iter()
        .find(|d| d.default)
        .or(domains.first())
        .map(|d| d.domain_name.clone())
        .unwrap_or_else(|| "exosh.local".into()))
}

fn get_org(ex: &mut Ex) -> R<()> {
    let name = org_name(ex)?;
    let mut o = PsObject::typed("Microsoft.Exchange.Data.Directory.Management.OrganizationConfig");
    o.type_names.insert(1, "Microsoft.Exchange.Data.Directory.ADObject".into());
    o.set_note("RunspaceId", Value::Guid(runspace_id()));
    o.set_note("Name", Value::str(&name));
    o.set_note("DisplayName", Value::str(&name));
    o.set_note("IsDehydrated", Value::Bool(false));
    o.set_note("PublicFoldersEnabled", Value::str("None"));
    o.set_note("PublicFoldersLockedForMigration", Value::Bool(false));
    o.set_note("PublicFolderMigrationComplete", Value::Bool(false));
    o.set_note("Identity", Value::str(&name));
    o.set_note("IsValid", Value::Bool(true));
    o.set_note("ObjectState", Value::str("Unchanged"));
    ex.out.emit(ex.cx, Value::object(o))
}

fn set_org(ex: &mut Ex) -> R<()> {
    let e = TenantError::invalid_op(
        "NotEmulatedException",
        "Set-OrganizationConfig is not emulated by exosh: the local tenant has no organization settings to change.",
    );
    ex.write_tenant_error(&e, "")
}
