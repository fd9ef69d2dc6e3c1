# expect: TerminatorExpectedAtEndOfString 2:1 incomplete
"abc $x
