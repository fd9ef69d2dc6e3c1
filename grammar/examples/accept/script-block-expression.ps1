$sb = { param($x) $x * 2 }
& $sb 21
