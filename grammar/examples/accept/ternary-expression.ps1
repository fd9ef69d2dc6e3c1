$label = $count -gt 1 ? 'items' : 'item'
