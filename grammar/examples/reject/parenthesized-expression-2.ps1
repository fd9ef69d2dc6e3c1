# expect: MissingEndParenthesisInExpression 2:13
$x = (1 + 2 3)
