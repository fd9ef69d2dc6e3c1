# expect: MissingEndCurlyBrace 2:12 incomplete
function f {
  'x'
