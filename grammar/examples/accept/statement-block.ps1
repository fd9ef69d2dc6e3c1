if ($true) {
    'a'
    'b'
}
