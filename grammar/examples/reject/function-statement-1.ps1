# expect: MissingNameAfterKeyword 2:9 incomplete
function
