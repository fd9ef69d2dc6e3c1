# expect: MissingEndSquareBracket 2:1 incomplete
[int
