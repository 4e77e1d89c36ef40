// ReadModel target
