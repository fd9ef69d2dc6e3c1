switch ($v) { bare { 1 } 'quoted' { 2 } 3 { 3 } $other { 4 } }
