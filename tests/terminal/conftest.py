"""Fixtures of the terminal-output tests: the real app run through a key script, both ways."""

from __future__ import annotations

import pytest

from tests.terminal.session import Session, run_both


@pytest.fixture(scope="session")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    """The key script run with Textual's driver and with the lean one (see session.py)."""
    return run_both(tmp_path_factory.mktemp("lean-session"))
