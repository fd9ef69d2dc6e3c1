[string]::Join(', ', @('a', 'b'))
