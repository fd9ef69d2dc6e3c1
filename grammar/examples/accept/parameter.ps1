param([Parameter(Mandatory, ValueFromPipeline = $true)][ValidateSet('a', 'b')][string[]]$Name = 'a')
