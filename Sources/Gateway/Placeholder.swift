// Gateway target
