"""Disputes and mediation (RFAR « médiateur »): a supplier opens a request about one of its
contracts to the buyer organisation's internal mediators, who answer and close it with an
outcome. Only the requesting supplier organisation and the buyer's mediators read it."""
