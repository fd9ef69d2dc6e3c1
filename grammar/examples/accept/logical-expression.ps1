if ($a -and -not $b -or $c -xor $d) { 'x' }
