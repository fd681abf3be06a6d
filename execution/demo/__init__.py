"""The demonstration: a métropole, a département, their agents and holders, and a story per
kind of commitment (load.load_demo is the entry point; flow holds the shared steps)."""
