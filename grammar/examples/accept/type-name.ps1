[System.Collections.Generic.Dictionary[string, int]]$map = @{}
