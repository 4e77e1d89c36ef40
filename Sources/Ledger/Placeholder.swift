// Ledger target
