do { $n++ } while ($n -lt 5)
do { $n-- } until ($n -le 0)
