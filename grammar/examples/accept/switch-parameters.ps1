switch -Regex ($s) { '^\d+$' { 'number' } }
switch -Exact ('x') { x { 1 } }
