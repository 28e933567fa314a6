"""The large demo clinic: a million patients, five years of twenty providers, a million payments.

:func:`build_large` writes a new SQLite file that looks like a big practice
that has used frontdesk for years, so the app can be tried (and measured) at
that scale. What it holds, with :data:`LARGE` (see :class:`LargeSpec`):

- the small demo's three accounts with the same passwords
  (:data:`frontdesk.data.demo.DEMO_ACCOUNTS`), and three more desk clerks
  whose passwords nobody knows (they only appear on receipts and reports);
- 20 providers and the six demo visit types; weekly hours and lunch breaks
  (:class:`~frontdesk.data.demo_large_days.Timetable`);
- 1,000,000 patients from the demo's generator, search keys included
  (:mod:`frontdesk.data.demo_large_patients`);
- five years of appointments (4.75 years of history, today, 3 months ahead)
  with every status change as an event, statuses by the clock today
  (:mod:`frontdesk.data.demo_large_days`);
- 1,000,000 money rows from the first history day to now, in drawers of
  their day, receipts numbered without a gap, past drawers counted
  (:mod:`frontdesk.data.demo_large_money`);
- every past day the clinic was open closed as close-day closes it, with its
  stored report; today (and Sundays, when nothing happens) stay open
  (:mod:`frontdesk.data.demo_large_close`); a few patients on the wait list.

The clinic settings, accounts, providers, visit types and hours go through
the data layer (with their audit events). The bulk rows are inserted with the
raw ``sqlite3`` driver in large batches, with the secondary indexes of the big
tables dropped during the load and rebuilt after it; they bypass the audit
trail, and one ``demo.created`` event records the whole build. The file is
written as ``<name>.building`` and renamed when complete, so an interrupted
build never leaves something that looks like a finished demo.

Progress goes to a callback, ``progress(stage, done, total)``: the stages are
:data:`STAGES`, in order. The same ``seed`` at the same time gives the same
clinic (patients are seeded per chunk, so the number of worker processes does
not change them); with no seed the clinic's local date is the seed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from frontdesk.data.clinic import parse_timezone
from frontdesk.data.demo import CLINIC_NAME, DemoAccount
from frontdesk.data.errors import SetupError

STAGE_SETUP = "Clinic, staff and providers"
STAGE_PATIENTS = "Patients"
STAGE_DAYS = "Appointments and payments, day by day"
STAGE_INDEXES = "Indexes"
STAGE_CLOSE = "Closing past days"
STAGE_FINISH = "Wait list, audit, checkpoint"
STAGES = (STAGE_SETUP, STAGE_PATIENTS, STAGE_DAYS, STAGE_INDEXES, STAGE_CLOSE, STAGE_FINISH)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class LargeSpec:
    """How big to build. ``days_back``/``days_ahead`` count calendar days from today."""

    patients: int = 1_000_000
    providers: int = 20
    days_back: int = 1735  # with days_ahead and today: five years
    days_ahead: int = 91
    payments: int = 1_000_000  # money rows, exactly, when there is a business day before now
    close_past_days: bool = True
    seed: int | None = None  # None: the clinic's local date
    workers: int = 0  # processes making patients; 0: one per CPU, 1: none (in this process)
    clinic_name: str = CLINIC_NAME


LARGE = LargeSpec()


@dataclass(frozen=True)
class LargeSummary:
    """What :func:`build_large` made, and how long it took."""

    clinic_name: str
    patients: int
    providers: int
    appointments: int
    appointments_today: int
    status_events: int
    payments: int
    drawers: int
    closed_days: int
    seed: int
    seconds: float
    size_bytes: int
    accounts: tuple[DemoAccount, ...]


def _quiet(_stage: str, _done: int, _total: int) -> None:
    """No progress to show."""


def _remove(path: Path) -> None:
    """Delete a database file and its journal files, if there."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def payment_quotas(weights: list[float], total: int) -> list[int]:
    """``total`` split in proportion to ``weights``, largest remainders first (sums exactly)."""
    whole = sum(weights)
    if whole <= 0 or total <= 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    quotas = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: quotas[i] - exact[i])
    for i in by_remainder[: total - sum(quotas)]:
        quotas[i] += 1
    return quotas


def build_large(
    path: Path, *, timezone: str, spec: LargeSpec = LARGE, progress: Progress | None = None
) -> LargeSummary:
    """Build the large demo clinic in a new file at ``path`` (see the module's docstring).

    Raises :class:`SetupError` if ``path`` already holds something.
    """
    if path.exists() and path.stat().st_size > 0:
        raise SetupError(f"{path} already exists: the large demo is built into a new file")
    zone = parse_timezone(timezone)
    work = path.with_name(path.name + ".building")
    _remove(work)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        from frontdesk.data.demo_large_build import LargeBuild

        builder = LargeBuild(work, zone.key, spec, progress or _quiet)
        summary = builder.run()
        os.replace(work, path)
    except BaseException:
        _remove(work)
        raise
    return summary
