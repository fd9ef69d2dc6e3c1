function f($a, [int]$b = 2, [switch]$c) { }
