# expect: TerminatorExpectedAtEndOfString 2:6 incomplete
$s = @"
abc
