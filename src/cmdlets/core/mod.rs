//! The PowerShell utility cmdlets scripts rely on.

pub mod clixml;
pub mod data;
pub mod each;
pub mod fs;
pub mod mail;
pub mod misc;
pub mod web;
pub mod write;

use crate::runtime::command::Registry;

/// Registers the core cmdlets and pwsh's default aliases for them.
pub fn register(r: &mut Registry) {
    write::register(r);
    clixml::register(r);
    each::register(r);
    data::register(r);
    misc::register(r);
    web::register(r);
    mail::register(r);
    for (a, t) in [
        ("%", "ForEach-Object"),
        ("foreach", "ForEach-Object"),
        ("?", "Where-Object"),
        ("where", "Where-Object"),
        ("select", "Select-Object"),
        ("sort", "Sort-Object"),
        ("group", "Group-Object"),
        ("measure", "Measure-Object"),
        ("echo", "Write-Output"),
        ("write", "Write-Output"),
        ("gc", "Get-Content"),
        ("cat", "Get-Content"),
        ("type", "Get-Content"),
        ("sc", "Set-Content"),
        ("ac", "Add-Content"),
        ("gcm", "Get-Command"),
        ("icm", "Invoke-Command"),
        ("iex", "Invoke-Expression"),
        ("ft", "Format-Table"),
        ("fl", "Format-List"),
        ("gm", "Get-Member"),
        ("gv", "Get-Variable"),
        ("sv", "Set-Variable"),
        ("set", "Set-Variable"),
        ("cls", "Clear-Host"),
        ("clear", "Clear-Host"),
        ("sleep", "Start-Sleep"),
        ("epcsv", "Export-Csv"),
        ("ipcsv", "Import-Csv"),
        ("gci", "Get-ChildItem"),
        ("gi", "Get-Item"),
        ("ls", "Get-ChildItem"),
        ("dir", "Get-ChildItem"),
        ("ni", "New-Item"),
        ("ri", "Remove-Item"),
        ("rm", "Remove-Item"),
        ("del", "Remove-Item"),
        ("pwd", "Get-Location"),
        ("gl", "Get-Location"),
        ("cd", "Set-Location"),
        ("sl", "Set-Location"),
        ("tee", "Tee-Object"),
        ("diff", "Compare-Object"),
        ("compare", "Compare-Object"),
        ("gu", "Get-Unique"),
        ("rvpa", "Resolve-Path"),
        ("h", "Get-History"),
        ("irm", "Invoke-RestMethod"),
        ("iwr", "Invoke-WebRequest"),
        ("ogv", "Out-GridView"),
        ("gal", "Get-Alias"),
        ("clv", "Clear-Variable"),
        ("rv", "Remove-Variable"),
        ("nv", "New-Variable"),
        ("gmo", "Get-Module"),
        ("ipmo", "Import-Module"),
        ("rmo", "Remove-Module"),
        ("ndr", "New-PSDrive"),
        ("oh", "Out-Host"),
        ("copy", "Copy-Item"),
        ("cp", "Copy-Item"),
        ("cpi", "Copy-Item"),
        ("move", "Move-Item"),
        ("mv", "Move-Item"),
        ("mi", "Move-Item"),
        ("ren", "Rename-Item"),
        ("rni", "Rename-Item"),
        ("md", "New-Item"),
    ] {
        r.alias(a, t);
    }
}
