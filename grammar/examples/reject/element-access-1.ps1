# expect: MissingArrayIndexExpression 2:4
$a[]
