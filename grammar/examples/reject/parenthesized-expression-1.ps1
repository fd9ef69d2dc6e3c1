# expect: MissingEndParenthesisInExpression 2:6 incomplete
$x = (1 + 2
