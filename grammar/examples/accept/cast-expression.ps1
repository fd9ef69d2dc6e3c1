$n = [int]'42'; $d = [datetime]::Now; $o = [ordered]@{ a = 1 }
