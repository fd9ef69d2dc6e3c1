$xs = 1, 2, 3
$one = ,'only'
