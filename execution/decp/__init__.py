"""DECP import: the buyers' published données essentielles (2019 and 2024 formats) read into
the contract register, with a report of every record left out and why."""
