"""Everything that knows the database, nothing of Textual, Rich or Typer."""
