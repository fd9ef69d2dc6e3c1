try { 1 } catch [System.IO.IOException], [System.Net.WebException] { 2 }
