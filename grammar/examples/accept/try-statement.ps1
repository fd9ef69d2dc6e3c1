try { Get-X -ErrorAction Stop }
catch [System.Management.Automation.RuntimeException] { $_ }
catch { 'other' }
finally { 'done' }
