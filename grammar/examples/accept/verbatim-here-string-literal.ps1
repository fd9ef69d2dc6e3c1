$raw = @'
No $expansion here
'@
