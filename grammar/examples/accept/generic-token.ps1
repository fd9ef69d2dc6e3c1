Get-Date -Format FileDateTime
Start-Process notepad.exe -ArgumentList a=b
