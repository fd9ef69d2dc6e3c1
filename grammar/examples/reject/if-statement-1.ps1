# expect: MissingEndParenthesisInIfStatement 2:8
if ($a {
}
