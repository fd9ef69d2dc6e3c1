Get-Mailbox; .\script.ps1; C:\tools\x.exe; %; ?
