"""Small modal dialogs, one per file, each dismissing with a typed result."""
