:outer foreach ($a in 1..2) { :inner while ($true) { break outer } }
