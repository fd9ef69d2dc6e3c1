# expect: MissingCatchOrFinally 2:10 incomplete
try { 1 }
