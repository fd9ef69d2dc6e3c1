# expect: EmptyPipeElement 2:13 incomplete
Get-Mailbox |
