// Risk target
