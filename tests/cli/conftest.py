"""Fixtures for the command-line tests."""

from __future__ import annotations

import pytest

import frontdesk.app


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Record (target, notice) of every app run instead of starting the app."""
    calls: list[tuple[str, str]] = []

    def fake_run(target: str, *, notice: str = "") -> None:
        calls.append((target, notice))

    monkeypatch.setattr(frontdesk.app, "run", fake_run)
    return calls
