Get-X > out.txt; Get-X >> out.txt; Get-X 2>&1; Get-X 2> $null; Get-X *> all.txt
