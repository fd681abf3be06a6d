"""The AGEC minimum shares the decrees set, as administrators fill them in. The rule that
compares declared shares with them lives with the holder's side (supplier), which shows it too."""
