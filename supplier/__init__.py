"""What suppliers file: declaration models per kind, the filing workflow and the supplier pages."""
