# expect: TerminatorExpectedAtEndOfString 2:12 incomplete
Write-Host 'abc
