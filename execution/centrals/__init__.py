"""Purchasing centrals: memberships (administrators), the members that use a central's contract
(the central's buyers) and the consolidated and per-central indicators."""
