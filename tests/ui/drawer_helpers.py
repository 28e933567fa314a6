"""Shared by the drawer's pilot tests: a receipt "printer", patients, payments, keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select
from textual.pilot import Pilot

from frontdesk.app import FrontDeskApp
from frontdesk.data.db import read_session, write_session
from frontdesk.data.drawer import open_drawer
from frontdesk.data.models import Patient, Payment, PaymentKind
from frontdesk.data.payments import PaymentRequest, take_payment
from frontdesk.screens.drawer import DrawerScreen
from frontdesk.screens.find import FindScreen
from tests.conftest import TODAY, Clinic
from tests.ui.conftest import settle

FLOAT = {2000: "5", 1000: "5", 500: "4", 100: "10"}  # $180


def use_printer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point FRONTDESK_PRINT_COMMAND at a script that appends what it is sent to a file."""
    out = tmp_path / "printed.txt"
    script = tmp_path / "printer.sh"
    script.write_text('#!/bin/sh\ncat >> "$1"\n')
    script.chmod(0o755)
    monkeypatch.setenv("FRONTDESK_PRINT_COMMAND", f"{script} {out}")
    return out


def add_patient(clinic: Clinic, last: str = "Smith", first: str = "Jo", balance: int = 0) -> int:
    """A patient with nothing stale for check-in (eligibility verified today)."""
    pid = clinic.add_patient(last, first, balance_cents=balance)
    with write_session(clinic.engine) as session:
        patient = session.get(Patient, pid)
        assert patient is not None
        patient.eligibility_verified_on = TODAY
        session.add(patient)
    return pid


def payments(clinic: Clinic) -> list[Payment]:
    """Every money row, in receipt order."""
    with read_session(clinic.engine) as session:
        return list(session.exec(select(Payment).order_by(col(Payment.receipt_no))).all())


def seed_payment(clinic: Clinic) -> int:
    """Ana's drawer open with one $25 cash payment (R-000001, $40 handed over)."""
    pid = add_patient(clinic)
    open_drawer(clinic.engine, staff=clinic.desk, counts=FLOAT)
    take_payment(
        clinic.engine,
        PaymentRequest(pid, "25", PaymentKind.OTHER, tendered="40"),
        staff=clinic.desk,
    )
    return pid


async def drawer_for(pilot: Pilot[Any], app: FrontDeskApp, name: str) -> DrawerScreen:
    """``$`` from the schedule, then the patient picked with the search."""
    await pilot.press("$")
    await settle(pilot)
    assert isinstance(app.screen, FindScreen)
    await pilot.press(*name, "enter")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, DrawerScreen)
    return screen


def focused_id(app: FrontDeskApp) -> str | None:
    """The id of the focused widget."""
    focused = app.screen.focused
    return focused.id if focused is not None else None
