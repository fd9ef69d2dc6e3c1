(Get-Mailbox -ResultSize Unlimited).Count
($x = 5)
