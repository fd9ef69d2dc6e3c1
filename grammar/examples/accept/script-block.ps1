[CmdletBinding()]
param([string]$Path)

Import-Csv $Path
