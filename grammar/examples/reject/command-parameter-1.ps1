# expect: ParameterRequiresArgument 2:7 incomplete
Get-X -Name:
