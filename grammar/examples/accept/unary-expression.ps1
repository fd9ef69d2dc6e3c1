$a = -$b; $c = !$d; $e = -not $f; $g = -bnot 5; ++$i; $i--
