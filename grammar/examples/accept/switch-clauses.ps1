switch ($n) { 1 { 'one' } 2 { 'two' } default { 'many' } }
