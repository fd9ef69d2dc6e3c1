param($x)
begin { $n = 0 }
process { $n++ }
end { $n }
