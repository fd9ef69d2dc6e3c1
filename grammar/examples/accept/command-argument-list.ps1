Select-Object Identity, Status,TotalCount
