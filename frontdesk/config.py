"""Where the database lives: ``--db``, else ``FRONTDESK_DB``, else the user data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "frontdesk"


def default_db_path() -> Path:
    """``<user data dir>/frontdesk/frontdesk.db``."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "frontdesk.db"


def default_demo_path() -> Path:
    """The demo clinic's own file, beside the real one, so a demo never touches it."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "demo.db"


def resolve_db(option: str | None) -> str:
    """The database the user asked for, as a path or URL string."""
    if option:
        return option
    env = os.environ.get("FRONTDESK_DB")
    if env:
        return env
    return str(default_db_path())


def sqlite_file(target: str) -> Path | None:
    """The file of a SQLite path/URL target, or ``None`` for another database."""
    if "://" not in target:
        return Path(target).expanduser()
    if target.startswith("sqlite:///"):
        rest = target.removeprefix("sqlite:///").split("?", 1)[0]
        return Path(rest) if rest and rest != ":memory:" else None
    return None


def secure_file(path: Path) -> None:
    """Database files hold PHI: owner read/write only (0600), WAL side files too."""
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if candidate.exists():
            candidate.chmod(0o600)
