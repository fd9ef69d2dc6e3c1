//! The connection boilerplate, mapped to the local tenant:
//! Connect-ExchangeOnline / Disconnect-ExchangeOnline /
//! Get-ConnectionInformation, the older Connect-EXOPSSession, and the remote
//! session pattern (New-PSSession -ConfigurationName Microsoft.Exchange,
//! Import-PSSession, Get-PSSession, Remove-PSSession).

use super::common::{Ex, add, current_tenant, session_user, set_session_user};
use crate::runtime::command::Registry;
use crate::runtime::convert::to_string;
use crate::runtime::error::R;
use crate::runtime::members::property_of;
use crate::runtime::signature::{Param, Signature};
use crate::runtime::types::PsType;
use crate::runtime::value::{PsObject, Value};
use crate::tenant::TenantError;
use std::cell::RefCell;

#[derive(Clone)]
struct Session {
    id: i32,
    name: String,
    computer: String,
    instance: uuid::Uuid,
    open: bool,
}

thread_local! {
    static SESSIONS: RefCell<Vec<Session>> = const { RefCell::new(Vec::new()) };
    static CONNECTION: RefCell<Option<(uuid::Uuid, String)>> = const { RefCell::new(None) };
}

pub fn register(r: &mut Registry) {
    let mut connect = Signature::new(
        "Connect-ExchangeOnline",
        "Connects to the local tenant (cloud sign-in parameters are accepted and ignored).",
    );
    for (i, p) in [
        "ConnectionUri",
        "AzureADAuthorizationEndpointUri",
        "ExchangeEnvironmentName",
        "PSSessionOption",
        "DelegatedOrganization",
        "Prefix",
    ]
    .iter()
    .enumerate()
    {
        connect = connect.param(Param::new(p, PsType::Object).position(i));
    }
    connect = connect
        .param(Param::new("CommandName", PsType::Array(Box::new(PsType::String))).position(6))
        .param(Param::new("FormatTypeName", PsType::Array(Box::new(PsType::String))).position(7));
    for p in [
        "AccessToken",
        "AppId",
        "Certificate",
        "CertificateFilePath",
        "CertificatePassword",
        "CertificateThumbprint",
        "Credential",
        "EXOModuleBasePath",
        "LogDirectoryPath",
        "LogLevel",
        "ManagedIdentityAccountId",
        "Organization",
        "PageSize",
        "ShowProgress",
        "SigningCertificate",
        "TrackPerformance",
        "UseMultithreading",
        "UserPrincipalName",
    ] {
        connect = connect.param(Param::new(p, PsType::Object));
    }
    for s in [
        "BypassMailboxAnchoring",
        "Device",
        "DisableWAM",
        "EnableErrorReporting",
        "InlineCredential",
        "LoadCmdletHelp",
        "ManagedIdentity",
        "ShowBanner",
        "SkipLoadingCmdletHelp",
        "SkipLoadingFormatData",
        "UseRPSSession",
    ] {
        connect = connect.param(Param::switch(s));
    }
    connect = connect
        .example("Connect-ExchangeOnline -UserPrincipalName chris@contoso.com -ShowBanner:$false", "Connects as chris.")
        .example("Connect-ExchangeOnline -Device -ShowBanner:$false", "Device sign-in (ignored by the local tenant).");
    add(r, connect, connect_exo);
    add(
        r,
        Signature::new("Connect-EXOPSSession", "The older module's connection cmdlet, mapped to the local tenant.")
            .param(Param::new("UserPrincipalName", PsType::Object))
            .param(Param::new("Credential", PsType::Object))
            .param(Param::new("ConnectionUri", PsType::Object))
            .param(Param::new("AzureADAuthorizationEndpointUri", PsType::Object))
            .param(Param::new("PSSessionOption", PsType::Object))
            .param(Param::new("DelegatedOrganization", PsType::Object))
            .param(Param::switch("BypassMailboxAnchoring"))
            .example("Connect-EXOPSSession -UserPrincipalName chris@contoso.com", "Connects as chris."),
        connect_exo,
    );
    add(
        r,
        Signature::new("Disconnect-ExchangeOnline", "Closes the connection to the local tenant.")
            // pwsh's sets (ConnectionId / ModulePrefix beside a parameterless
            // default set) as optional parameters: the binder knows only the
            // sets that parameters declare.
            .param(Param::new("ConnectionId", PsType::Array(Box::new(PsType::String))).by_property_name())
            .param(Param::new("ModulePrefix", PsType::Array(Box::new(PsType::String))))
            .should_process()
            .example("Disconnect-ExchangeOnline -Confirm:$false", "Disconnects without asking."),
        disconnect,
    );
    add(
        r,
        Signature::new("Get-ConnectionInformation", "Gets the open connection to the local tenant.")
            .param(Param::new("ConnectionId", PsType::Array(Box::new(PsType::String))))
            .param(Param::new("ModulePrefix", PsType::Array(Box::new(PsType::String))))
            .example("Get-ConnectionInformation", "The connection, when connected."),
        info,
    );
    add(
        r,
        Signature::new("New-PSSession", "Opens a remote session; only Exchange sessions (-ConfigurationName Microsoft.Exchange) exist, mapped to the local tenant.")
            .param(Param::new("ConfigurationName", PsType::String))
            .param(Param::new("ConnectionUri", PsType::Object).alias("URI").alias("CU"))
            .param(Param::new("ComputerName", PsType::Array(Box::new(PsType::String))).position(0).alias("Cn"))
            .param(Param::new("Credential", PsType::Object))
            .param(Param::new("Authentication", PsType::String))
            .param(Param::switch("AllowRedirection"))
            .param(Param::new("SessionOption", PsType::Object))
            .param(Param::new("Name", PsType::Array(Box::new(PsType::String))))
            .example(
                "$s = New-PSSession -ConfigurationName Microsoft.Exchange -ConnectionUri https://outlook.office365.com/powershell-liveid/ -Authentication Basic -AllowRedirection",
                "The classic remote Exchange session.",
            ),
        new_session,
    );
    add(
        r,
        Signature::new("Import-PSSession", "Imports the commands of an Exchange session (they are built in).")
            .param(Param::new("Session", PsType::Object).position(0).mandatory())
            .param(Param::new("CommandName", PsType::Array(Box::new(PsType::String))).position(1))
            .param(Param::new("FormatTypeName", PsType::Array(Box::new(PsType::String))).position(2))
            .param(Param::new("Prefix", PsType::String))
            .param(Param::switch("DisableNameChecking"))
            .param(Param::switch("AllowClobber"))
            .example(
                "Import-PSSession $s -DisableNameChecking -AllowClobber | Out-Null",
                "Imports the Exchange commands.",
            ),
        import_session,
    );
    add(
        r,
        Signature::new("Get-PSSession", "Gets the open remote sessions.")
            .param(Param::new("Name", PsType::Array(Box::new(PsType::String))).position(0))
            .param(Param::new("Id", PsType::Array(Box::new(PsType::Int))))
            .param(Param::new("ComputerName", PsType::Array(Box::new(PsType::String))))
            .example("Get-PSSession", "The sessions."),
        get_sessions,
    );
    add(
        r,
        Signature::new("Remove-PSSession", "Closes remote sessions.")
            .param(Param::new("Session", PsType::Object).position(0).pipeline())
            .param(Param::new("Id", PsType::Array(Box::new(PsType::Int))))
            .param(Param::new("Name", PsType::Array(Box::new(PsType::String))))
            .param(Param::new("ComputerName", PsType::Array(Box::new(PsType::String))))
            .should_process()
            .example("Get-PSSession | Remove-PSSession", "Closes every session."),
        remove_session,
    );
}

fn credential_user(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Credential(c) => Some(c.user.clone()),
        Value::Null => None,
        other => Some(to_string(other)),
    }
}

fn connect_exo(ex: &mut Ex) -> R<()> {
    // The tenant must open: a broken $EXOSH_HOME is reported now, not later.
    if let Err(e) = current_tenant() {
        return ex.write_tenant_error(&e, "");
    }
    let user = ex
        .str("UserPrincipalName")
        .or_else(|| credential_user(ex.call.get("Credential")))
        .or_else(|| ex.str("Organization"))
        .or_else(|| ex.str("AppId"));
    let shown = user.clone().unwrap_or_else(|| "admin".into());
    set_session_user(user.clone().or(Some("admin@exosh.local".into())));
    CONNECTION.with(|c| *c.borrow_mut() = Some((uuid::Uuid::new_v4(), shown.clone())));
    let banner = ex.call.name.eq_ignore_ascii_case("Connect-ExchangeOnline")
        && ex.call.get("ShowBanner").is_none_or(crate::runtime::convert::to_bool);
    if banner {
        let home = crate::tenant::default_home().map(|p| p.display().to_string()).unwrap_or_default();
        ex.cx.host_line("----------------------------------------------------------------------------------------");
        ex.cx.host_line(&format!("exosh: connected to the local Exchange tenant at {home} as {shown}."));
        ex.cx.host_line("Cloud sign-in parameters are accepted and ignored; the cmdlets act on the local tenant.");
        ex.cx.host_line("----------------------------------------------------------------------------------------");
    }
    Ok(())
}

fn disconnect(ex: &mut Ex) -> R<()> {
    let connected = CONNECTION.with(|c| c.borrow().clone());
    if !ex.should_process("Exchange Online", true)? {
        return Ok(());
    }
    if let Some(ids) = ex.strings("ConnectionId")
        && let Some((id, _)) = &connected
        && !ids.iter().any(|i| i.eq_ignore_ascii_case(&id.to_string()))
    {
        return Ok(());
    }
    CONNECTION.with(|c| *c.borrow_mut() = None);
    set_session_user(None);
    Ok(())
}

fn info(ex: &mut Ex) -> R<()> {
    let Some((id, user)) = CONNECTION.with(|c| c.borrow().clone()) else {
        return Ok(());
    };
    let mut o = PsObject::typed("Microsoft.Exchange.Management.ExoPowershellSnapin.ConnectionInformation");
    o.set_note("ConnectionId", Value::str(&id.to_string()));
    o.set_note("State", Value::str("Connected"));
    o.set_note("Id", Value::Int(1));
    o.set_note("Name", Value::str("ExchangeOnline_1"));
    o.set_note("UserPrincipalName", Value::str(&user));
    o.set_note("ConnectionUri", Value::str("https://outlook.office365.com"));
    o.set_note("AzureAdAuthorizationEndpointUri", Value::str("https://login.microsoftonline.com/organizations"));
    o.set_note("TokenExpiryTimeUTC", Value::Null);
    o.set_note("CertificateAuthentication", Value::Bool(false));
    o.set_note("ModuleName", Value::str("exosh"));
    o.set_note("ModulePrefix", Value::str(""));
    o.set_note("Organization", Value::Null);
    o.set_note("DelegatedOrganization", Value::Null);
    o.set_note("AppId", Value::Null);
    o.set_note("PageSize", Value::Int(1000));
    o.set_note("TenantID", Value::Null);
    o.set_note("TokenStatus", Value::str("Active"));
    o.set_note("ConnectionUsedForInbuiltCmdlets", Value::Bool(true));
    o.set_note("IsEopSession", Value::Bool(false));
    ex.out.emit(ex.cx, Value::object(o))
}

fn session_value(s: &Session) -> Value {
    let mut o = PsObject::typed("System.Management.Automation.Runspaces.PSSession");
    o.set_note("Id", Value::Int(s.id));
    o.set_note("Name", Value::str(&s.name));
    o.set_note("ComputerName", Value::str(&s.computer));
    o.set_note("ComputerType", Value::str("RemoteMachine"));
    o.set_note("State", Value::str(if s.open { "Opened" } else { "Closed" }));
    o.set_note("ConfigurationName", Value::str("Microsoft.Exchange"));
    o.set_note("Availability", Value::str(if s.open { "Available" } else { "None" }));
    o.set_note("InstanceId", Value::Guid(s.instance));
    Value::object(o)
}

fn new_session(ex: &mut Ex) -> R<()> {
    let conf = ex.str("ConfigurationName").unwrap_or_default();
    if !conf.eq_ignore_ascii_case("Microsoft.Exchange") {
        let e = TenantError::invalid_op(
            "PSRemotingTransportException",
            "exosh has no remoting: only Exchange sessions (-ConfigurationName Microsoft.Exchange) are emulated, against the local tenant.",
        );
        return ex.write_tenant_error(&e, &conf);
    }
    if let Err(e) = current_tenant() {
        return ex.write_tenant_error(&e, "");
    }
    let uri = ex.str("ConnectionUri").unwrap_or_default();
    let computer = uri
        .split("://")
        .nth(1)
        .and_then(|r| r.split(['/', ':']).next())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| ex.strings("ComputerName").and_then(|v| v.into_iter().next()))
        .unwrap_or_else(|| "localhost".into());
    if let Some(u) = credential_user(ex.call.get("Credential")) {
        set_session_user(Some(u));
    } else if session_user().is_none() {
        set_session_user(Some("admin@exosh.local".into()));
    }
    let s = SESSIONS.with(|v| {
        let mut v = v.borrow_mut();
        let id = v.iter().map(|s| s.id).max().unwrap_or(0) + 1;
        let name = ex.strings("Name").and_then(|n| n.into_iter().next()).unwrap_or_else(|| format!("WinRM{id}"));
        let s = Session { id, name, computer, instance: uuid::Uuid::new_v4(), open: true };
        v.push(s.clone());
        s
    });
    let v = session_value(&s);
    ex.out.emit(ex.cx, v)
}

fn session_id(v: &Value) -> Option<i32> {
    property_of(v, "Id").and_then(|x| to_string(&x).parse().ok())
}

fn import_session(ex: &mut Ex) -> R<()> {
    let sv = ex.call.get("Session").cloned().unwrap_or_default();
    let known = session_id(&sv).is_some_and(|id| SESSIONS.with(|v| v.borrow().iter().any(|s| s.id == id && s.open)));
    if !known {
        let e = TenantError::invalid(
            "PSArgumentException",
            "Cannot validate argument on parameter 'Session'. The argument is null or it is not an open Exchange session from New-PSSession.",
        );
        return ex.write_tenant_error(&e, "");
    }
    let mut o = PsObject::typed("System.Management.Automation.PSModuleInfo");
    let name = format!("tmp_{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    o.set_note("ModuleType", Value::str("Script"));
    o.set_note("Version", Value::str("1.0"));
    o.set_note("Name", Value::str(&name));
    o.set_note("ExportedCommands", Value::array(Vec::new()));
    o.base = None;
    ex.out.emit(ex.cx, Value::object(o))
}

fn get_sessions(ex: &mut Ex) -> R<()> {
    let names = ex.strings("Name");
    let ids: Option<Vec<i32>> = ex.strings("Id").map(|v| v.iter().filter_map(|s| s.parse().ok()).collect());
    let list = SESSIONS.with(|v| v.borrow().clone());
    for s in list {
        if names.as_ref().is_some_and(|n| !n.iter().any(|x| x.eq_ignore_ascii_case(&s.name))) {
            continue;
        }
        if ids.as_ref().is_some_and(|i| !i.contains(&s.id)) {
            continue;
        }
        ex.out.emit(ex.cx, session_value(&s))?;
    }
    Ok(())
}

fn remove_session(ex: &mut Ex) -> R<()> {
    let mut ids: Vec<i32> =
        ex.call.get("Session").map(|v| v.to_list().iter().filter_map(session_id).collect()).unwrap_or_default();
    if let Some(i) = ex.strings("Id") {
        ids.extend(i.iter().filter_map(|s| s.parse::<i32>().ok()));
    }
    if let Some(names) = ex.strings("Name") {
        SESSIONS.with(|v| {
            for s in v.borrow().iter() {
                if names.iter().any(|n| n.eq_ignore_ascii_case(&s.name)) {
                    ids.push(s.id);
                }
            }
        });
    }
    for id in ids {
        let name = SESSIONS.with(|v| v.borrow().iter().find(|s| s.id == id).map(|s| s.name.clone()));
        let Some(name) = name else { continue };
        if !ex.should_process(&name, false)? {
            continue;
        }
        SESSIONS.with(|v| v.borrow_mut().retain(|s| s.id != id));
    }
    Ok(())
}
