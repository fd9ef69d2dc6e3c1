$all = @(Get-MigrationBatch)
$empty = @()
