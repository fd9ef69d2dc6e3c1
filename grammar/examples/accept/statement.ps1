Get-Date
$x = 1
if ($x) { }
