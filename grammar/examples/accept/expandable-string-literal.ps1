"Hello $name `t$($a + 1) ""quoted"" `$escaped"
“curly $double”
