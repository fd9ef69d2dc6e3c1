New-MigrationBatch -Name B1 -CSVData $bytes -AutoStart -Confirm:$false 2>&1
