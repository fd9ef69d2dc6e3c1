& $exe /q; . .\lib.ps1; & { 'block' }
