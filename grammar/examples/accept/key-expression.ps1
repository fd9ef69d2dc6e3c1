@{ plain = 1; 'quoted' = 2; 3 = 'three'; $key = 4 }
