foreach ($user in Get-MigrationUser) { $user.Identity }
