$p = @{ Name = 'x' }
Get-X @p -Verbose
