$ok = $s -like 'Sync*' -and $s -notmatch 'Fail' -and 3 -in 1,2,3 -and $x -ceq 'A'
