# expect: MissingCurlyBraceInSwitchStatement 2:13
switch ($x) 'a'
