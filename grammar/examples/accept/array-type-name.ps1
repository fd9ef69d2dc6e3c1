[string[]]$names = 'a', 'b'
[byte[]]$bytes = 1, 2
$grid = [int[,]]::new(2, 3)
