Test-Path $p && Remove-Item $p || Write-Warning 'missing'
