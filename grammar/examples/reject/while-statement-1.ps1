# expect: MissingStatementBlock 3:1 incomplete
while ($x)
