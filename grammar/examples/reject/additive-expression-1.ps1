# expect: MissingExpressionAfterOperator 2:8 incomplete
$a = 1 +
