"""Build a big clinic for the benchmarks: a million patients, two years of appointments.

Usage (from the project root):

    python benchmarks/build_big.py [PATH] [--patients N] [--providers N] [--seed N]
                                   [--workers N] [--days-back N] [--days-ahead N]
                                   [--payments N] [--force]

PATH defaults to benchmarks/out/big.db. This is the large demo's builder
(:func:`frontdesk.data.demo_large.build_large`, what ``frontdesk demo --size
large`` runs) with the benchmarks' defaults: 640 days of history and 90 ahead,
and no money (``--payments 0``), so that the money benchmark finds every
clerk without an open drawer; with ``--payments N`` the past days get their
drawers and payments and are closed, as in the large demo. The clinic is
called "Riverside Family Clinic (benchmark)" and its timezone is
America/Chicago.

What it holds, and how it is loaded quickly (patients made in worker
processes, raw ``executemany`` inserts, the big tables' indexes rebuilt at
the end), is described in :mod:`frontdesk.data.demo_large`. Progress goes to
stderr.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

from frontdesk.data.demo import CLINIC_NAME
from frontdesk.data.demo_large import LargeSpec, build_large

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / "benchmarks" / "out" / "big.db"
TIMEZONE = "America/Chicago"


def log(message: str, started: float) -> None:
    """One progress line on stderr, with the seconds since the start."""
    print(f"[{time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr, flush=True)


class _Logger:
    """Progress lines: each stage when it starts, at every tenth, and when it ends."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.shown: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if self.shown.get(stage) == tenth:
            return
        self.shown[stage] = tenth
        log(f"{stage}: {done:,} of {total:,}", self.started)


def build(
    path: Path,
    *,
    patients: int,
    providers: int,
    seed: int,
    workers: int,
    days_back: int = 640,
    days_ahead: int = 90,
    payments: int = 0,
) -> None:
    """Create the database at ``path`` (which must not exist)."""
    logger = _Logger()
    summary = build_large(
        path,
        timezone=TIMEZONE,
        spec=LargeSpec(
            patients=patients,
            providers=providers,
            days_back=days_back,
            days_ahead=days_ahead,
            payments=payments,
            close_past_days=payments > 0,
            seed=seed,
            workers=workers,
            clinic_name=f"{CLINIC_NAME} (benchmark)",
        ),
        progress=logger,
    )
    log(
        f"done: {path} ({summary.size_bytes / 1e6:,.0f} MB): {summary.patients:,} patients, "
        f"{summary.appointments:,} appointments, {summary.status_events:,} status events, "
        f"{summary.payments:,} payments, {summary.closed_days:,} days closed",
        logger.started,
    )


def main() -> None:
    """Parse the command line and build."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--patients", type=int, default=1_000_000)
    parser.add_argument("--providers", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=max(1, multiprocessing.cpu_count()))
    parser.add_argument("--days-back", type=int, default=640)
    parser.add_argument("--days-ahead", type=int, default=90)
    parser.add_argument("--payments", type=int, default=0, help="money rows (0: none)")
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    args = parser.parse_args()
    path: Path = args.path
    if path.exists():
        if not args.force:
            sys.exit(f"{path} exists; pass --force to replace it")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    build(
        path,
        patients=args.patients,
        providers=args.providers,
        seed=args.seed,
        workers=args.workers,
        days_back=args.days_back,
        days_ahead=args.days_ahead,
        payments=args.payments,
    )


if __name__ == "__main__":
    main()
