"""The buyer side: contract set-up, review of declarations, compliance against commitments."""
