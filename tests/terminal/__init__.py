"""Tests of the lean terminal output (frontdesk.terminal)."""
