$pct = $done * 100 / $total % 7
