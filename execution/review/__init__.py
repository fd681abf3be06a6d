"""Review of declarations by the buyer organisation: validate, return with a comment, reopen
(service), and the pages and API actions that call it."""
