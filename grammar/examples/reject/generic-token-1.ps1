# expect: RedirectionNotSupported 2:37
New-PSSession -ConnectionUri http://<server>/PowerShell/
