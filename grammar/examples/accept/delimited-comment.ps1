<#
.SYNOPSIS
  Block comment
#>
Write-Host <# inline #> 'x'
