"""Payment delays (domain.md §3.3): invoices of contracts, their delay against the buyer's legal
maximum, the late-payment interest and the 40 € flat fee, and the indicators over them."""
