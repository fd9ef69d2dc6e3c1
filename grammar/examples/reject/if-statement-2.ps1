# expect: MissingStatementBlockAfterElse 3:1 incomplete
if ($a) { 1 } else
