"""Each commitment against what was declared, as both sides read it (the holder's pages and
the buyer's show the same figures, hence here and not on the buyer's side): insertion hours
against the target and the share expected to date (insertion), AGEC shares against the decree
minimums (agec), and every commitment's summary for a contract page (summary)."""
