function Get-Thing {
    param($a)
    $a
}
filter Double { $_ * 2 }
