Write-Host $x.Name (1 + 2) 'q' "d" 42 bare C:\x\y.csv *.ps1 $env:TEMP\x.txt
