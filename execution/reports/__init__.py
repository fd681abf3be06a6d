"""Printed reports: the annual SPASER report (annual; the contracts it summarises in
annual_contracts), the end-of-contract report, the holder's insertion attestation, and what
they keep (models: the buyer's commentary, the attestations delivered)."""
