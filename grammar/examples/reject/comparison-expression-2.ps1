# expect: UnexpectedToken 2:4
$a -foo 1
