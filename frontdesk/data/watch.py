"""Has another connection changed the database since we last looked? ``PRAGMA data_version``.

SQLite bumps a connection's ``data_version`` whenever any *other* connection
commits a change to the file (an empty transaction does not count). Asking is a
read of shared memory under WAL: no lock, no disk, microseconds. So a terminal
can ask every second and redraw only when the answer is yes, and a terminal
where nothing changes sends nothing.

The watch keeps one connection of its own for its whole life, because the
number is per connection; every write through the engine's pool (this
terminal's own included) is "another connection" to it.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy.engine import Engine


class ChangeWatch:
    """One dedicated connection asking ``PRAGMA data_version``."""

    def __init__(self, engine: Engine) -> None:
        self._lock = threading.Lock()
        self._connection: Any = None
        self._seen: int | None = None
        if engine.dialect.name == "sqlite":
            self._connection = engine.raw_connection()
            self._seen = self._version()

    def _version(self) -> int:
        cursor = self._connection.cursor()
        try:
            cursor.execute("PRAGMA data_version")
            return int(cursor.fetchone()[0])
        finally:
            cursor.close()

    def changed(self) -> bool:
        """True once for each batch of commits by others since the last call."""
        with self._lock:
            if self._connection is None:
                return False
            version = self._version()
            if version == self._seen:
                return False
            self._seen = version
            return True

    def close(self) -> None:
        """Give the connection back; the watch answers False from now on."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
