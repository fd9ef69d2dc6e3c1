# expect: MissingWhileOrUntilInDoWhile 2:10
do { 1 } foo
