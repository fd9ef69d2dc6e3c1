trap [System.Exception] { 'trapped'; continue }
trap { break }
