//! Get/New/Set/Remove-AcceptedDomain.

use super::common::{Ex, add};
use crate::runtime::command::Registry;
use crate::runtime::error::R;
use crate::runtime::signature::{Param, Signature};
use crate::runtime::types::PsType;
use crate::tenant::{AcceptedDomainType, NewAcceptedDomain, SetAcceptedDomain, TenantObject};

pub fn register(r: &mut Registry) {
    add(
        r,
        Signature::new("Get-AcceptedDomain", "Gets the accepted domains of the organization.")
            .param(Param::new("Identity", PsType::Object).position(0).pipeline())
            .param(Param::new("ResultSize", PsType::String))
            .example("Get-AcceptedDomain", "Lists the accepted domains.")
            .example("Get-AcceptedDomain | Where{$_.DomainType -eq 'Authoritative'}", "Authoritative domains only."),
        get,
    );
    add(
        r,
        Signature::new("New-AcceptedDomain", "Adds an accepted domain (an on-premises cmdlet, offered by exosh as the way to add a domain to the local tenant).")
            .param(Param::new("Name", PsType::String).position(0).mandatory())
            .param(Param::new("DomainName", PsType::String).mandatory())
            .param(Param::new("DomainType", PsType::String))
            .should_process()
            .example("New-AcceptedDomain -DomainName Contoso.com -DomainType Authoritative -Name Contoso", "Adds contoso.com."),
        new,
    );
    add(
        r,
        Signature::new("Set-AcceptedDomain", "Changes an accepted domain.")
            .param(Param::new("Identity", PsType::Object).position(0).mandatory().pipeline())
            .param(Param::new("DomainType", PsType::String))
            .param(Param::switch("MakeDefault"))
            .param(Param::new("Name", PsType::String))
            .should_process()
            .example("Set-AcceptedDomain -Identity Contoso -MakeDefault", "Makes Contoso the default domain."),
        set,
    );
    add(
        r,
        Signature::new("Remove-AcceptedDomain", "Removes an accepted domain that no mailbox uses.")
            .param(Param::new("Identity", PsType::Object).position(0).mandatory().pipeline())
            .should_process()
            .example("Remove-AcceptedDomain -Identity Contoso -Confirm:$false", "Removes Contoso."),
        remove,
    );
}

fn get(ex: &mut Ex) -> R<()> {
    let t = ex.tenant()?;
    let id = ex.identity("Identity");
    match t.store.get_accepted_domains(id.as_deref()) {
        Ok(v) => {
            for d in v {
                ex.emit(&d)?;
            }
            Ok(())
        }
        Err(e) => ex.write_tenant_error(&e, id.as_deref().unwrap_or("")),
    }
}

fn new(ex: &mut Ex) -> R<()> {
    let t = ex.tenant()?;
    let p = NewAcceptedDomain {
        name: ex.str("Name").unwrap_or_default(),
        domain_name: ex.str("DomainName").unwrap_or_default(),
        domain_type: ex.enum_param::<AcceptedDomainType>("DomainType")?,
    };
    if !ex.should_process(&p.name, false)? {
        return Ok(());
    }
    match t.store.new_accepted_domain(&p) {
        Ok(d) => ex.emit(&d),
        Err(e) => ex.write_tenant_error(&e, &p.name),
    }
}

fn set(ex: &mut Ex) -> R<()> {
    let t = ex.tenant()?;
    let id = ex.identity("Identity").unwrap_or_default();
    let p = SetAcceptedDomain {
        domain_type: ex.enum_param::<AcceptedDomainType>("DomainType")?,
        make_default: ex.flag("MakeDefault"),
        name: ex.str("Name"),
    };
    let found = match t.store.get_accepted_domains(Some(&id)) {
        Ok(v) => v,
        Err(e) => return ex.write_tenant_error(&e, &id),
    };
    let target = found.first().map(|d| d.identity()).unwrap_or(id.clone());
    if !ex.should_process(&target, false)? {
        return Ok(());
    }
    match t.store.set_accepted_domain(&id, &p) {
        Ok(_) => Ok(()),
        Err(e) => ex.write_tenant_error(&e, &id),
    }
}

fn remove(ex: &mut Ex) -> R<()> {
    let t = ex.tenant()?;
    let id = ex.identity("Identity").unwrap_or_default();
    let found = match t.store.get_accepted_domains(Some(&id)) {
        Ok(v) => v,
        Err(e) => return ex.write_tenant_error(&e, &id),
    };
    let target = found.first().map(|d| d.identity()).unwrap_or(id.clone());
    if !ex.should_process(&target, true)? {
        return Ok(());
    }
    match t.store.remove_accepted_domain(&id) {
        Ok(_) => Ok(()),
        Err(e) => ex.write_tenant_error(&e, &id),
    }
}
