//! Exchange cmdlet families outside the product (hybrid set-up and move
//! requests, connectors, public folders, policies, permissions, servers):
//! they are not commands of exosh (Get-Command does not list them), but a
//! script that calls one gets a clear "not emulated" error instead of
//! "not recognized". The runtime asks [`not_emulated`] when a command name
//! is not found.

use crate::runtime::error::{ErrorRecord, Exception};
use crate::runtime::value::Value;
use regex::Regex;
use std::sync::OnceLock;

fn families() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)^[a-z]+-\S*(Hybrid|Connector$|PublicFolder|Policy$|OrganizationRelationship|OnPremises|AuthServer|PartnerApplication|RemoteDomain|VirtualDirectory|OutlookAnywhere|ExchangeServer|MailboxDatabase|ExchangeCertificate|AvailabilityAddressSpace|TransportRule|Permission$|ATPReport|AnalysisRequest|IPPSSession|-MailUser$|RemoteMailbox$|AddressList$|RegionalConfiguration|MoveRequest|SyncRequest)",
        )
        .ok()
    })
    .as_ref()
}

/// The family of an Exchange cmdlet exosh knows of but does not emulate,
/// e.g. `Some("move requests")` for `New-MoveRequest`; None otherwise.
pub fn not_emulated(name: &str) -> Option<&'static str> {
    let n = name.rsplit('\\').next().unwrap_or(name);
    let lower = n.to_ascii_lowercase();
    if lower.ends_with("executionpolicy") {
        return None;
    }
    let re = families()?;
    let m = re.captures(n)?;
    let fam = m.get(1).map(|g| g.as_str().to_ascii_lowercase()).unwrap_or_default();
    Some(match fam.as_str() {
        f if f.contains("hybrid")
            || f.contains("onpremises")
            || f.contains("organizationrelationship")
            || f.contains("remotemailbox")
            || f.contains("mailuser") =>
        {
            "hybrid set-up"
        }
        f if f.contains("moverequest") || f.contains("syncrequest") => "move and sync requests",
        f if f.contains("connector") || f.contains("transportrule") || f.contains("remotedomain") => {
            "mail flow (connectors and rules)"
        }
        f if f.contains("publicfolder") => "public folders",
        f if f.contains("policy") => "policies",
        f if f.contains("permission") => "permissions",
        _ => "Exchange server and organization administration",
    })
}

/// The error a script gets when it calls such a cmdlet (CommandNotFound
/// category, so `-ErrorAction`/`try` behave as for an unknown command).
pub fn not_emulated_error(name: &str) -> Option<ErrorRecord> {
    let family = not_emulated(name)?;
    let mut e = ErrorRecord::new(
        Exception::new(
            "System.Management.Automation.CommandNotFoundException",
            format!(
                "'{name}' is an Exchange cmdlet that is not emulated by exosh: {family} are outside the local tenant, which covers accepted domains, mailboxes and IMAP migration."
            ),
        ),
        "CommandNotEmulated",
        "NotImplemented",
        Value::str(name),
    );
    e.from_command = Some(name.to_string());
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_outside_scope() {
        assert_eq!(not_emulated("New-MoveRequest"), Some("move and sync requests"));
        assert_eq!(not_emulated("Get-PublicFolderStatistics"), Some("public folders"));
        assert_eq!(not_emulated("Set-HostedContentFilterPolicy"), Some("policies"));
        assert_eq!(not_emulated("Add-RecipientPermission"), Some("permissions"));
        assert_eq!(not_emulated("Get-RemoteMailbox"), Some("hybrid set-up"));
        assert_eq!(not_emulated("New-InboundConnector"), Some("mail flow (connectors and rules)"));
    }

    #[test]
    fn in_scope_and_core_names_are_not_flagged() {
        for n in
            ["Get-MigrationBatch", "Set-ExecutionPolicy", "Get-ExecutionPolicy", "Get-Mailbox", "New-MigrationEndpoint"]
        {
            assert_eq!(not_emulated(n), None, "{n}");
        }
        let e = not_emulated_error("Get-MoveRequest").expect("an error");
        assert!(e.exception.message.contains("not emulated by exosh"));
    }
}
