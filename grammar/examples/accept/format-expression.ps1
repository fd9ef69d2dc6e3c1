'{0} of {1} ({2:P1})' -f $done, $total, ($done / $total)
