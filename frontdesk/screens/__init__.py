"""One screen (or modal) per file; each is thin and calls the data layer."""
