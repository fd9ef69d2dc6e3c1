$list = [System.Collections.Generic.List[System.Collections.Generic.List[int]]]::new()
