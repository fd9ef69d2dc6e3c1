# expect: MissingArgument 2:16
$s.Substring(1,,2)
