//! Migration endpoints: New/Get/Set/Remove-MigrationEndpoint and
//! Test-MigrationServerAvailability.

use super::common::{Ex, add};
use crate::runtime::command::Registry;
use crate::runtime::error::R;
use crate::runtime::signature::{Param, Signature};
use crate::runtime::types::PsType;
use crate::tenant::{
    AuthenticationMethod, IMAPSecurityMechanism, MigrationEndpoint, MigrationType, NewImapEndpoint, SetEndpoint,
    TenantError, TestMigrationServerAvailabilityOutcome, TestMigrationServerAvailabilityResult, Unlimited,
};

fn identity_param() -> Param {
    Param::new("Identity", PsType::Object).position(0).pipeline()
}

pub fn register(r: &mut Registry) {
    add(
        r,
        Signature::new("New-MigrationEndpoint", "Creates an IMAP migration endpoint (tested first unless -SkipVerification).")
            .param(Param::switch("IMAP").set("IMAP").mandatory())
            .param(Param::new("Name", PsType::String).mandatory())
            .param(remote_server())
            .param(Param::new("Port", PsType::Int).set("IMAP"))
            .param(Param::new("Security", PsType::String).set("IMAP"))
            .param(Param::new("Authentication", PsType::String).set("IMAP"))
            .param(Param::switch("AcceptUntrustedCertificates").set("IMAP"))
            .param(Param::new("MaxConcurrentMigrations", PsType::Object))
            .param(Param::new("MaxConcurrentIncrementalSyncs", PsType::Object))
            .param(Param::switch("SkipVerification"))
            .param(Param::new("Partition", PsType::Object))
            .params(other_types())
            .default_set("IMAP")
            .should_process()
            .example(
                "New-MigrationEndpoint -IMAP -Name IMAP_TLS_Endpoint -RemoteServer imap.contoso.com -Port 143 -Security Tls -MaxConcurrentMigrations 50 -MaxConcurrentIncrementalSyncs 10 -SkipVerification",
                "A TLS endpoint on port 143 with lower limits.",
            )
            .example("New-MigrationEndpoint -IMAP -Name IMAPEndpoint1 -RemoteServer imap.contoso.com -Port 993 -SkipVerification", "An SSL endpoint on port 993.")
            .example("New-MigrationEndpoint -IMAP -Name IMAPEndpoint -RemoteServer imap.contoso.com -Port 993 -Security Ssl -SkipVerification", "The walkthrough's endpoint."),
        new,
    );
    add(
        r,
        Signature::new("Get-MigrationEndpoint", "Gets migration endpoints.")
            .param(identity_param().set("Identity"))
            .param(Param::new("Type", PsType::String).set("TypeFilter").mandatory())
            .param(Param::new("DiagnosticInfo", PsType::String))
            .param(Param::new("Partition", PsType::Object))
            .default_set("Identity")
            .example("Get-MigrationEndpoint -Identity IMAPEndpoint", "One endpoint.")
            .example(
                "Get-MigrationEndpoint IMAPEndpoint | Format-List EndpointType,RemoteServer,Port,Security,Max*",
                "The walkthrough's check.",
            ),
        get,
    );
    add(
        r,
        Signature::new("Set-MigrationEndpoint", "Changes a migration endpoint.")
            .param(identity_param().mandatory())
            .param(Param::new("RemoteServer", PsType::String))
            .param(Param::new("Port", PsType::Int))
            .param(Param::new("Security", PsType::String))
            .param(Param::new("Authentication", PsType::String))
            .param(Param::new("AcceptUntrustedCertificates", PsType::Bool))
            .param(Param::new("MaxConcurrentMigrations", PsType::Object))
            .param(Param::new("MaxConcurrentIncrementalSyncs", PsType::Object))
            .param(Param::switch("SkipVerification"))
            .param(Param::new("Partition", PsType::Object))
            .should_process()
            .example(
                "Set-MigrationEndpoint -Identity IMAPEndpoint -MaxConcurrentMigrations 10 -SkipVerification",
                "Lowers the limit.",
            ),
        set,
    );
    add(
        r,
        Signature::new("Remove-MigrationEndpoint", "Removes a migration endpoint that no batch uses.")
            .param(identity_param().mandatory())
            .param(Param::new("Partition", PsType::Object))
            .should_process()
            .example("Remove-MigrationEndpoint -Identity IMAPEndpoint -Confirm:$false", "Removes the endpoint."),
        remove,
    );
    add(
        r,
        Signature::new(
            "Test-MigrationServerAvailability",
            "Tests that an IMAP server answers (needs the migration engine).",
        )
        .param(Param::switch("Imap").set("IMAP").mandatory())
        .param(remote_server())
        .param(Param::new("Port", PsType::Int).set("IMAP").mandatory())
        .param(Param::new("Security", PsType::String).set("IMAP"))
        .param(Param::new("Authentication", PsType::String).set("IMAP"))
        .param(Param::switch("AcceptUntrustedCertificates").set("IMAP"))
        .param(Param::new("Endpoint", PsType::Object).set("TestEndpoint").mandatory())
        .param(Param::new("Partition", PsType::Object))
        .params(other_types())
        .default_set("IMAP")
        .should_process()
        .example("Test-MigrationServerAvailability -Imap -RemoteServer imap.contoso.com -Port 143", "Tests the server.")
        .example("Test-MigrationServerAvailability -Endpoint IMAPEndpoint", "Tests a stored endpoint."),
        test,
    );
}

/// `-MaxConcurrentMigrations` and `-MaxConcurrentIncrementalSyncs`.
type Limits = (Option<Unlimited<u32>>, Option<Unlimited<u32>>);

/// The endpoint types of Exchange Online that the local tenant does not
/// emulate, as parameter sets (selected by their switches), so a script
/// that uses them binds and then gets a clear error.
const OTHER_TYPES: &[&str] = &[
    "ExchangeRemoteMove",
    "ExchangeRemoteMoveAutodiscover",
    "ExchangeOutlookAnywhere",
    "ExchangeOutlookAnywhereAutodiscover",
    "Gmail",
    "PublicFolder",
    "Compliance",
];

fn remote_server() -> Param {
    let mut p = Param::new("RemoteServer", PsType::String).set("IMAP").mandatory();
    for t in ["ExchangeRemoteMove", "ExchangeOutlookAnywhere", "PublicFolder", "Compliance"] {
        p = p.set(t);
    }
    p
}

/// The switches of the other endpoint types and their parameters.
fn other_types() -> Vec<Param> {
    let mut v = Vec::new();
    for (switch, sets) in [
        ("ExchangeRemoteMove", &["ExchangeRemoteMove", "ExchangeRemoteMoveAutodiscover"][..]),
        ("ExchangeOutlookAnywhere", &["ExchangeOutlookAnywhere", "ExchangeOutlookAnywhereAutodiscover"][..]),
        ("Autodiscover", &["ExchangeRemoteMoveAutodiscover", "ExchangeOutlookAnywhereAutodiscover"][..]),
        ("Gmail", &["Gmail"][..]),
        ("PublicFolder", &["PublicFolder"][..]),
        ("Compliance", &["Compliance"][..]),
    ] {
        let mut p = Param::switch(switch);
        for t in sets {
            p = p.set(t).mandatory();
        }
        v.push(p);
    }
    for (name, ty) in [
        ("Credentials", PsType::Object),
        ("EmailAddress", PsType::String),
        ("RpcProxyServer", PsType::String),
        ("ExchangeServer", PsType::String),
        ("ServiceAccountKeyFileData", PsType::Object),
        ("SourceMailboxLegacyDN", PsType::String),
        ("PublicFolderDatabaseServerLegacyDN", PsType::String),
        ("TestMailbox", PsType::Object),
        ("MailboxPermission", PsType::String),
        ("NspiServer", PsType::String),
    ] {
        let mut p = Param::new(name, ty);
        for t in OTHER_TYPES {
            p = p.set(t);
        }
        v.push(p);
    }
    v
}

/// Adds several parameters to a signature.
trait WithParams {
    fn params(self, v: Vec<Param>) -> Self;
}

impl WithParams for Signature {
    fn params(self, v: Vec<Param>) -> Self {
        v.into_iter().fold(self, |s, p| s.param(p))
    }
}

/// Refuses the endpoint types other than IMAP.
fn imap_only(ex: &mut Ex) -> R<bool> {
    let set = ex.call.bound.set.clone();
    if OTHER_TYPES.iter().any(|t| t.eq_ignore_ascii_case(&set)) {
        let e = TenantError::invalid_op(
            "MigrationPermanentException",
            format!(
                "{set} migration endpoints are not emulated by exosh: the local tenant migrates from IMAP servers only (use -IMAP)."
            ),
        );
        ex.write_tenant_error(&e, ex.str("Name").as_deref().unwrap_or(""))?;
        return Ok(false);
    }
    Ok(true)
}

fn limits(ex: &Ex) -> R<Limits> {
    Ok((ex.unlimited("MaxConcurrentMigrations")?, ex.unlimited("MaxConcurrentIncrementalSyncs")?))
}

/// Endpoint settings to test, from IMAP parameters.
fn probe(ex: &Ex, name: &str, server: &str) -> R<MigrationEndpoint> {
    let port = ex.call.int("Port").unwrap_or(993);
    let security = ex.enum_param::<IMAPSecurityMechanism>("Security")?.unwrap_or(if port == 993 {
        IMAPSecurityMechanism::Ssl
    } else {
        IMAPSecurityMechanism::None
    });
    Ok(MigrationEndpoint {
        guid: uuid::Uuid::nil(),
        name: name.to_string(),
        endpoint_type: MigrationType::IMAP,
        remote_server: server.to_string(),
        port: u16::try_from(port).unwrap_or(0),
        security,
        authentication: ex.enum_param::<AuthenticationMethod>("Authentication")?.unwrap_or(AuthenticationMethod::Basic),
        accept_untrusted_certificates: ex.flag("AcceptUntrustedCertificates"),
        max_concurrent_migrations: Unlimited::Value(100),
        max_concurrent_incremental_syncs: Unlimited::Value(20),
        active_migration_count: None,
        active_incremental_sync_count: None,
    })
}

fn connection_error(o: &TestMigrationServerAvailabilityOutcome) -> TenantError {
    TenantError::new(
        crate::tenant::ErrorCategory::InvalidOperation,
        "MigrationServerConnectionFailedException",
        o.message.clone(),
    )
}

fn new(ex: &mut Ex) -> R<()> {
    if !imap_only(ex)? {
        return Ok(());
    }
    let t = ex.tenant()?;
    let (max_m, max_i) = limits(ex)?;
    let p = NewImapEndpoint {
        name: ex.str("Name").unwrap_or_default(),
        remote_server: ex.str("RemoteServer").unwrap_or_default(),
        port: ex.call.int("Port"),
        security: ex.enum_param::<IMAPSecurityMechanism>("Security")?,
        authentication: ex.enum_param::<AuthenticationMethod>("Authentication")?,
        accept_untrusted_certificates: ex.flag("AcceptUntrustedCertificates"),
        max_concurrent_migrations: max_m,
        max_concurrent_incremental_syncs: max_i,
    };
    if !ex.should_process(&p.name, false)? {
        return Ok(());
    }
    if !ex.flag("SkipVerification") {
        let probe = probe(ex, &p.name, &p.remote_server)?;
        let o = t.test_server(&probe, None);
        if o.result != TestMigrationServerAvailabilityResult::Success {
            return ex.write_tenant_error(&connection_error(&o), &p.name);
        }
    }
    match t.store.new_endpoint(&p) {
        Ok(e) => ex.emit(&e),
        Err(e) => ex.write_tenant_error(&e, &p.name),
    }
}

fn get(ex: &mut Ex) -> R<()> {
    let t = ex.tenant()?;
    let id = ex.identity("Identity");
    let ty = ex.enum_param::<MigrationType>("Type")?;
    match t.store.get_endpoints(id.as_deref(), ty) {
        Ok(v) => {
            for e in v {
                ex.emit(&e)?;
            }
            Ok(())
        }
        Err(e) => ex.write_tenant_error(&e, id.as_deref().unwrap_or("")),
    }
}

fn find(ex: &mut Ex, id: &str) -> R<Option<MigrationEndpoint>> {
    let t = ex.tenant()?;
    match t.store.get_endpoints(Some(id), None) {
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
    let (max_m, max_i) = limits(ex)?;
    let p = SetEndpoint {
        remote_server: ex.str("RemoteServer"),
        port: ex.call.int("Port"),
        security: ex.enum_param::<IMAPSecurityMechanism>("Security")?,
        authentication: ex.enum_param::<AuthenticationMethod>("Authentication")?,
        accept_untrusted_certificates: ex.opt_bool("AcceptUntrustedCertificates"),
        max_concurrent_migrations: max_m,
        max_concurrent_incremental_syncs: max_i,
    };
    let Some(cur) = find(ex, &id)? else { return Ok(()) };
    if !ex.should_process(&cur.name, false)? {
        return Ok(());
    }
    let t = ex.tenant()?;
    let connection_changed = p.remote_server.is_some() || p.port.is_some() || p.security.is_some();
    if connection_changed && !ex.flag("SkipVerification") {
        let mut probe = cur.clone();
        if let Some(s) = &p.remote_server {
            probe.remote_server = s.clone();
        }
        if let Some(port) = p.port {
            probe.port = u16::try_from(port).unwrap_or(0);
        }
        if let Some(s) = p.security {
            probe.security = s;
        }
        let o = t.test_server(&probe, None);
        if o.result != TestMigrationServerAvailabilityResult::Success {
            return ex.write_tenant_error(&connection_error(&o), &cur.name);
        }
    }
    match t.store.set_endpoint(&id, &p) {
        Ok(_) => Ok(()),
        Err(e) => ex.write_tenant_error(&e, &id),
    }
}

fn remove(ex: &mut Ex) -> R<()> {
    let id = ex.identity("Identity").unwrap_or_default();
    let Some(cur) = find(ex, &id)? else { return Ok(()) };
    if !ex.should_process(&cur.name, true)? {
        return Ok(());
    }
    let t = ex.tenant()?;
    match t.store.remove_endpoint(&id) {
        Ok(_) => Ok(()),
        Err(e) => ex.write_tenant_error(&e, &id),
    }
}

fn test(ex: &mut Ex) -> R<()> {
    if !imap_only(ex)? {
        return Ok(());
    }
    let t = ex.tenant()?;
    let (endpoint, tested) = match ex.identity("Endpoint") {
        Some(id) => match find(ex, &id)? {
            Some(e) => {
                let name = e.name.clone();
                (e, Some(name))
            }
            None => return Ok(()),
        },
        None => {
            let server = ex.str("RemoteServer").unwrap_or_default();
            (probe(ex, "", &server)?, None)
        }
    };
    if !ex.should_process(&endpoint.remote_server, false)? {
        return Ok(());
    }
    let o = t.test_server(&endpoint, tested);
    ex.emit(&o)
}
