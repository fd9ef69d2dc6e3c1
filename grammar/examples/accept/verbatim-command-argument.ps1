icacls C:\x --% /grant Users:(OI)(CI)F
