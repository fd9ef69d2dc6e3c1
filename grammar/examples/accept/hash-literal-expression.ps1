$p = @{
    Name = 'Batch1'
    'Quoted Key' = 1; Count = 3
    Filter = { $_.Status -eq 'Failed' }
}
