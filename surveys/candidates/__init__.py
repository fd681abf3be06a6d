"""The survey of a procedure's unsuccessful candidates: anonymous, shown only in groups of five."""
