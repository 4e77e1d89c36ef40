// Storage target
