# expect: TerminatorExpectedAtEndOfString 2:1 incomplete
<# never closed
