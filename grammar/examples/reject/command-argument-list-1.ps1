# expect: MissingArgument 2:16 incomplete
Select-Object a,
