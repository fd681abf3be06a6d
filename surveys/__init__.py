"""End-of-contract satisfaction surveys in both directions (RFAR)."""
