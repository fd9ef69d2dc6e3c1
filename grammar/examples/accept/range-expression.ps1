foreach ($i in 1..10) { $i }
$letters = 'a'..'e'
