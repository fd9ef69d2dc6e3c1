# expect: MissingEndParenthesisInSubexpression 2:2 incomplete
"$(1 + 2
