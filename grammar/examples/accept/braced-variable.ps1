${my var} = 1; ${env:ProgramFiles(x86)}
