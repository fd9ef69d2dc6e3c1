# expect: MissingInInForeach 2:13
foreach ($a $b) { }
