# expect: MissingEndCurlyBrace 2:6 incomplete
$h = @{ a = 1
