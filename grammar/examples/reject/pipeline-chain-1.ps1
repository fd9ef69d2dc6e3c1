# expect: EmptyPipeChainElement 2:7 incomplete
Get-X &&
