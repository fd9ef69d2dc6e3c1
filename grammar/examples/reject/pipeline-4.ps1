# expect: ExpressionsMustBeFirstInPipeline 2:15
Get-Mailbox | $x
