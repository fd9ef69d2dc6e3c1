# expect: MissingEndParenthesisInMethodCall 2:13 incomplete
$s.Substring(1,
