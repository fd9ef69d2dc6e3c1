$body = @"
Dear $name,
  total: $($items.Count)
"@
