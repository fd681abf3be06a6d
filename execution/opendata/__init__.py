"""Open data in and out of the register: DECP import and export, the AGEC declaration file,
OCDS. The hub page links each part for the buyer organisation in scope."""
