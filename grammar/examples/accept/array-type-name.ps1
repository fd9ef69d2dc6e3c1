[string[]]$names = 'a', 'b'
[byte[]]$bytes = 1, 2
