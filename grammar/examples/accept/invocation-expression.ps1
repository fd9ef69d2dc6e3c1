$s.Replace('a', 'b').Trim(); [IO.Path]::Combine($a, 'x.csv'); $l.Where({ $_ })
