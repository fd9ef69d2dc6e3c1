while ($n -lt 5) { $n++ }
