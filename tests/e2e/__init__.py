"""End-to-end tests: the real app reached the way a remote site reaches it."""
