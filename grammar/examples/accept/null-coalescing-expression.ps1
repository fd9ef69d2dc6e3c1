$name = $env:EXO_USER ?? 'admin'
