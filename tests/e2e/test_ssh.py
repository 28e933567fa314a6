"""The app over a real SSH connection, as a remote site reaches the clinic box.

A private sshd (``tests/e2e/sshd.py``) forces every login into
``python -m frontdesk --db <demo clinic>``, with the clock and a print command
set through ``SetEnv`` (the one-account set-up of ``docs/DEPLOY-SSH.md``).
The ``ssh`` client runs in an 80x24 pseudo-terminal and the clerk's keys are
typed into it; what the clerk would see is read through a terminal emulator.

- A clerk signs in, checks a patient in (``c`` ``Enter`` ``Enter``) and takes a
  copay through the drawer; the check-in, its audit event (marked as coming over
  SSH) and the payment are in the database, and the receipt went to the site's
  print command. Ctrl+Q ends the session cleanly.
- The link is dropped (the ssh client SIGKILLed) while a copay is typed in but
  not taken, and after the Enter that takes it: the moment the payment's
  write transaction is open (SQLite's write lock seen in /proc/locks), or just
  after its commit when that moment passes unseen. The app is hung up and
  exits, no process is left behind, and the database holds each payment whole
  or not at all: receipt numbers without gaps, an audit event for each, the
  drawer's expected cash equal to the float plus the cash taken, the audit
  chain and ``PRAGMA integrity_check`` intact, and no lock left behind.
- A login that ignores SIGHUP must still not leave the app running (expected to
  fail until the app restores the default SIGHUP action itself).
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from frontdesk.data import audit, schema
from frontdesk.data.db import make_engine, read_session
from frontdesk.data.demo import DEMO_ACCOUNTS, build_demo
from frontdesk.data.drawer import expected
from frontdesk.data.models import Appointment, Patient, Role, Status
from frontdesk.data.schedule import ScheduleRow, load_day
from frontdesk.money import format_cents
from tests.conftest import NOW, TODAY
from tests.data.helpers import audit_events, detail, fetch
from tests.e2e.sshd import (
    Server,
    Terminal,
    missing_tools,
    process_alive,
    ssh_argv,
    sshd,
    stop_leftover,
    wait_gone,
)

pytestmark = [
    pytest.mark.skipif(missing_tools() is not None, reason=str(missing_tools())),
    pytest.mark.usefixtures("fast_hashing"),
    pytest.mark.slow,
]

ROOT = Path(__file__).resolve().parents[2]
CLERK = next(a for a in DEMO_ACCOUNTS if a.role is Role.DESK)
CTRL_HOME, DOWN, CTRL_Q = "\x1b[1;5H", "\x1b[B", "\x11"
HANDED_OVER = 10_000  # the clerk types 100: what the patient hands over, in cents
GONE_TIMEOUT_S = 20.0
WAIT_S = 30.0
IGNORED_HUP_WAIT_S = 5.0
WAL_WRITE_LOCK = 120  # SQLite's unix VFS: the byte of the -shm file a WAL writer locks
PRINT_SCRIPT = '#!/bin/sh\ncat > "$(mktemp "$1/receipt-XXXXXX")"\n'


@dataclass
class Site:
    """The demo clinic served over SSH, and where its logins leave their traces."""

    engine: Engine
    db: Path
    server: Server
    pids: Path  # one line per login: the app's pid (the shell execs into it)
    printed: Path  # the site's "printer": one file per receipt

    def connect(self) -> Terminal:
        """A new SSH login in a fresh 80x24 terminal."""
        return Terminal(ssh_argv(self.server), {"TERM": "xterm-256color"})

    def app_pid(self, login: int) -> int:
        """The pid of the app started by the ``login``-th connection (1-based)."""
        lines = self.pids.read_text().split()
        assert len(lines) >= login, f"{len(lines)} logins recorded:\n{self.server.log_text()}"
        return int(lines[login - 1])


@pytest.fixture
def site(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Site]:
    """The demo clinic at the tests' frozen time, and an sshd that opens it for every login.

    An indirect parameter, if given, is shell words the login runs before the app.
    """
    db = tmp_path / "clinic.db"
    engine = make_engine(db)
    schema.upgrade(engine)
    build_demo(engine, timezone="America/Chicago", patients=300)
    printed = tmp_path / "printed"
    printed.mkdir()
    script = tmp_path / "print-receipt"
    script.write_text(PRINT_SCRIPT)
    script.chmod(0o755)
    pids = tmp_path / "app.pids"
    command = (
        f"echo $$ >> {shlex.quote(str(pids))} && {getattr(request, 'param', ':')} && "
        f"exec {shlex.quote(sys.executable)} -m frontdesk --db {shlex.quote(str(db))}"
    )
    env = {
        "FRONTDESK_FROZEN_NOW": NOW.isoformat(),
        "FRONTDESK_PRINT_COMMAND": f"{script} {printed}",
        "PYTHONPATH": str(ROOT),
        "LANG": "C.UTF-8",
    }
    try:
        with sshd(tmp_path / "sshd", command, env) as server:
            yield Site(engine, db, server, pids, printed)
    finally:
        engine.dispose()
        for pid in pids.read_text().split() if pids.exists() else []:
            stop_leftover(int(pid), b"frontdesk")


# --- the clerk's keys ------------------------------------------------------------------


def sign_in(term: Terminal, site: Site) -> None:
    """Sign in as the demo desk clerk once the database is open; wait for the day.

    Username, Enter, password and Enter go in one write, as a paste or one packet
    of a slow link delivers them: the password must still arrive in order.
    """
    try:
        term.wait_for("Sign in to start.")
    except AssertionError:
        if site.server.unusable():
            pytest.skip(str(site.server.unusable()))
        raise
    term.send(f"{CLERK.username}\r{CLERK.password}\r")
    term.wait_for(f"{CLERK.display_name} (desk)")


def open_check_in(term: Terminal, site: Site, index: int, row: ScheduleRow) -> None:
    """Top of the day, down to the ``index``-th row, ``c``: the check-in of that patient."""
    term.send(CTRL_HOME + DOWN * index + "c")
    term.wait_for(f"MRN {patient_mrn(site, row)}")


def check_in_to_drawer(term: Terminal, site: Site, index: int, row: ScheduleRow) -> int:
    """``c`` ``Enter`` ``Enter`` on a visit with a copay: the drawer opens with it filled in.

    The clerk types what the patient hands over; returns the copay in cents.
    """
    open_check_in(term, site, index, row)
    term.send("\r")
    term.wait_for("Identity confirmed")
    term.send("\r")
    copay = visit(site, row).copay_due_cents
    term.wait_for("Tendered")
    term.send(str(HANDED_OVER // 100))
    term.wait_for(f"Change due {format_cents(HANDED_OVER - copay)}")  # the copay was filled in
    return copay


# --- the database ------------------------------------------------------------------------


def visit(site: Site, row: ScheduleRow) -> Appointment:
    """The row's appointment as stored now."""
    assert row.appointment_id is not None
    return fetch(site.engine, Appointment, row.appointment_id)


def patient_mrn(site: Site, row: ScheduleRow) -> str:
    """The MRN of the row's patient (shown on the check-in card)."""
    assert row.patient_id is not None
    return fetch(site.engine, Patient, row.patient_id).mrn


def booked_rows(site: Site, *, copay: bool) -> list[tuple[int, ScheduleRow]]:
    """Today's BOOKED rows (with their place on the schedule), with or without a copay."""
    rows = load_day(site.engine, TODAY, None).rows
    found = []
    for index, row in enumerate(rows):
        if row.is_opening or row.status is not Status.BOOKED:
            continue
        if (visit(site, row).copay_due_cents > 0) == copay:
            found.append((index, row))
    assert found, f"the demo has no BOOKED visit {'with' if copay else 'without'} a copay"
    return found


def assert_checked_in_over_ssh(site: Site, row: ScheduleRow) -> None:
    """ARRIVED, with one check-in audit event that names the SSH client and its terminal."""
    assert Status(visit(site, row).status) is Status.ARRIVED
    events = [
        e
        for e in audit_events(site.engine, "appointment.checked_in")
        if e.entity_id == row.appointment_id
    ]
    assert len(events) == 1
    assert events[0].origin.startswith("ssh:127.0.0.1 /dev/pts/"), events[0].origin


def payments(site: Site) -> list[tuple[int, int, int, str, str, int, int, str]]:
    """Every money row: id, receipt, patient, entry, tender, amount, drawer, receipt text."""
    raw = sqlite3.connect(site.db)
    try:
        return raw.execute(
            "SELECT id, receipt_no, patient_id, entry, tender, amount_cents, drawer_id, "
            "receipt_text FROM payment ORDER BY receipt_no"
        ).fetchall()
    finally:
        raw.close()


def assert_consistent(site: Site, before: int) -> None:
    """Nothing half-done: whole payments only, gap-free receipts, balanced drawers, no lock."""
    rows = payments(site)
    assert [r[1] for r in rows] == list(range(1, len(rows) + 1)), "receipt numbers have a gap"
    raw = sqlite3.connect(site.db, timeout=2.0)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        raw.execute("BEGIN IMMEDIATE")  # fails if a dead session still held the write lock
        raw.execute("ROLLBACK")
        floats = dict(raw.execute("SELECT id, float_cents FROM drawer_session").fetchall())
    finally:
        raw.close()
    events = audit_events(site.engine, "payment.taken")
    taken = {detail(e)["receipt_no"]: e.entity_id for e in events}
    for payment_id, number, *_ in rows[before:]:  # the demo's own rows predate the audit trail
        assert taken.get(number) == payment_id, f"receipt {number} has no payment.taken event"
    assert set(taken) <= {r[1] for r in rows}, "an audit event names a receipt that is not stored"
    with read_session(site.engine) as session:
        assert audit.verify_chain(session) is None
        for drawer_id, float_cents in floats.items():
            cash = sum(
                amount * (1 if entry == "payment" else -1)
                for _, _, _, entry, tender, amount, drawer, _ in rows
                if drawer == drawer_id and tender == "cash"
            )
            assert expected(session, drawer_id).cash_cents == float_cents + cash
    stored = {r[1]: r[7] for r in rows}
    for receipt in site.printed.iterdir():  # printed after COMMIT: always a stored receipt
        text = receipt.read_text()  # or the start of one, if the hang-up cut the printing off
        assert any(whole.startswith(text.rstrip("\n")) for whole in stored.values()), text


def assert_all_gone(site: Site, pid: int) -> None:
    """The hung-up app and the connection's sshd processes exit, within a bound."""
    left = wait_gone([pid, *site.server.sessions()], GONE_TIMEOUT_S)
    assert not left, f"still running after {GONE_TIMEOUT_S} s: {left}\n{site.server.log_text()}"
    assert not site.server.sessions()


# --- the tests ---------------------------------------------------------------------------


def test_check_in_and_copay_over_ssh(site: Site) -> None:
    """Sign in, check in, take a copay (printed at the site), then Ctrl+Q ends the session."""
    plain = booked_rows(site, copay=False)[0]
    paying = booked_rows(site, copay=True)[0]
    before = len(payments(site))
    term = site.connect()
    try:
        sign_in(term, site)
        open_check_in(term, site, *plain)
        term.send("\r")
        term.wait_for("Identity confirmed")
        term.send("\r")
        term.wait_for(f"Checked in {plain[1].patient}")
        assert_checked_in_over_ssh(site, plain[1])

        copay = check_in_to_drawer(term, site, *paying)
        term.send("\r")
        term.wait_for(f"Taken: R-{before + 1:06d}")
        term.send("\r")  # the receipt: back to the schedule
        term.wait_for(f"Checked in {paying[1].patient}")
        assert_checked_in_over_ssh(site, paying[1])
        term.send(CTRL_Q)
        assert term.wait_exit(GONE_TIMEOUT_S) == 0, term.text()
    finally:
        term.close()
    assert_all_gone(site, site.app_pid(1))

    rows = payments(site)
    assert len(rows) == before + 1
    assert rows[-1][1:6] == (before + 1, paying[1].patient_id, "payment", "cash", copay)
    printed = [p.read_text() for p in site.printed.iterdir()]  # by the site's print command
    assert [text.strip() for text in printed] == [rows[-1][7].strip()]
    assert_consistent(site, before)


def drop_while_committing(term: Terminal, site: Site) -> str:
    """Enter takes the payment; SIGKILL the client as soon as the app's write transaction is
    open (SQLite's WAL write lock is held), or, if that moment was missed, once the receipt
    shows. Which of the two happened is returned, for the failure message.
    """
    term.send("\r")
    inode = os.stat(f"{site.db}-shm").st_ino
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if write_lock_held(inode):
            term.kill()
            return "inside the write transaction"
        if term.pump(0) and "Taken: " in term.text():
            term.kill()
            return "after the commit, receipt on screen"
    raise AssertionError(f"the payment was neither begun nor taken; the screen:\n{term.text()}")


def write_lock_held(inode: int) -> bool:
    """Some process holds SQLite's WAL write lock on the ``-shm`` file with ``inode``.

    Read from /proc/locks, so probing takes no lock (and drops none of this process's).
    """
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if (
            len(fields) >= 8
            and fields[1] == "POSIX"
            and fields[3] == "WRITE"
            and fields[5].endswith(f":{inode}")
            and fields[6] == str(WAL_WRITE_LOCK)
        ):
            return True
    return False


@pytest.mark.parametrize("moment", ["typed, not taken", "Enter pressed"])
def test_link_dropped_mid_payment(site: Site, moment: str) -> None:
    """SIGKILL the ssh client mid-payment: the app exits and the payment is whole or absent."""
    index, row = booked_rows(site, copay=True)[0]
    before = len(payments(site))
    term = site.connect()
    when = "with the form filled in"
    try:
        sign_in(term, site)
        pid = site.app_pid(1)
        assert process_alive(pid)
        copay = check_in_to_drawer(term, site, index, row)
        if moment == "Enter pressed":
            when = drop_while_committing(term, site)
        term.kill()
    finally:
        term.close()
    assert_all_gone(site, pid)

    assert_checked_in_over_ssh(site, row)  # committed before the drawer opened
    new = payments(site)[before:]
    if moment == "typed, not taken":
        assert new == []
        assert list(site.printed.iterdir()) == []
    assert len(new) <= 1, when
    for payment in new:  # id, receipt, patient, entry, tender, amount, ...
        assert payment[1:6] == (before + 1, row.patient_id, "payment", "cash", copay), when
    assert_consistent(site, before)


@pytest.mark.parametrize("site", ["trap '' HUP"], indirect=True)
def test_hangup_ends_the_app_even_when_the_login_ignored_it(site: Site) -> None:
    """A login that ignores SIGHUP (a wrapper's ``trap '' HUP``) must not leave the app running."""
    term = site.connect()
    try:
        sign_in(term, site)
        pid = site.app_pid(1)
        term.kill()
    finally:
        term.close()
    assert wait_gone([pid], IGNORED_HUP_WAIT_S) == []
