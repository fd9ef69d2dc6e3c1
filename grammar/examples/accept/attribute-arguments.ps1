param([Parameter(Mandatory, Position = 0, HelpMessage = 'the name')]$n)
