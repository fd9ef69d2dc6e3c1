# expect: MissingOpenParenthesisInIfStatement 2:4
if $a { }
