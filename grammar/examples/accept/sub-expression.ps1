"Total: $($items.Count) items"
$($x = 1; $x + 1)
