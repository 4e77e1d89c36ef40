// Matching target
