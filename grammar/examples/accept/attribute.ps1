param([Alias('N')][ValidateRange(1, 10)][ValidateNotNullOrEmpty()]$n)
