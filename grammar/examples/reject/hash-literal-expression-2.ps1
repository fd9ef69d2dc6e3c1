# expect: MissingEqualsInHashLiteral 2:11
$h = @{ a 1 }
