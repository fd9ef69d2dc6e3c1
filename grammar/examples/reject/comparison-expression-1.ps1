# expect: MissingExpressionAfterOperator 2:11
if ($a -eq) { }
