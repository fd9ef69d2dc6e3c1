Get-MigrationUser |
    Where-Object Status -eq 'Failed' |
    Select-Object Identity, Status
