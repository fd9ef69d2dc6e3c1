# expect: EmptyPipeElement 2:13
Get-Mailbox | | Select-Object
