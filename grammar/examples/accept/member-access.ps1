$u.Name; $u.'Display Name'; $u.$prop; [Math]::PI; $x?.Length
