switch -Wildcard -CaseSensitive ($name) {
    'a*' { 'A' }
    { $_.Length -gt 3 } { 'long'; break }
    default { 'other' }
}
