$total = ($a + $b) * 2 -gt 10
