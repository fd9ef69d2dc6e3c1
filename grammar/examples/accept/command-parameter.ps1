Get-X -Name a -Flag:$false –Identity x —Force
