# expect: RedirectionNotSupported 2:54
Test-MigrationServerAvailability -IMAP -RemoteServer <FQDN of IMAP server> -Port 993
