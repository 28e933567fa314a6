"""The schedule's right-hand counts: callbacks open and overdue, patients past the no-show time.

Also the next moment any of them changes by the clock alone, so the screen
can set one timer for it instead of ticking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from frontdesk.data import no_shows
from frontdesk.data.callback_queue import counts, next_change_at


@dataclass(frozen=True)
class DeskCounts:
    """What the counts line shows, and when it next changes with nobody writing."""

    callbacks: int
    overdue: int
    no_show_due: int  # booked patients past the no-show time (today)
    wake_at: datetime | None


def desk_counts(engine: Engine) -> DeskCounts:
    """Read the counts (a few indexed queries)."""
    found, overdue = counts(engine)
    due = len(no_shows.suggestions(engine))
    moments = [m for m in (next_change_at(engine), no_shows.next_due_at(engine)) if m]
    return DeskCounts(found, overdue, due, min(moments) if moments else None)
