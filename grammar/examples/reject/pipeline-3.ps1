# expect: ExpectedValueExpression 2:4 incomplete
$x = 
