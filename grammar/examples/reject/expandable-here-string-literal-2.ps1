# expect: IncompleteHereStringHeader 2:9
$s = @" x
abc
"@
