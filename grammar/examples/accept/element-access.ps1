$users[0]; $h['key']; $a[1, 2]; $a[-1]
