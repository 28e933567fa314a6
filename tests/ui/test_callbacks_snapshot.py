"""Snapshots of the callbacks queue and the quick-add form at 80x24, clock frozen at 10:00.

Review the report before `pytest --snapshot-update`: a snapshot is a record of
what the clerk sees, checked by eye once and then kept.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from textual.pilot import Pilot

from frontdesk import clock
from frontdesk.data.appointments import change_status
from frontdesk.data.callbacks import NewCallback, add_callback, log_attempt
from frontdesk.data.models import Status
from tests.conftest import NOW, Clinic
from tests.ui.conftest import make_app, settle, sign_in

pytestmark = pytest.mark.usefixtures("fast_hashing")


def _seed_queue(clinic: Clinic) -> None:
    """An overdue billing call tried once, a complaint, a clinical question, a no-show."""
    engine, ana = clinic.engine, clinic.desk
    rosa = clinic.add_patient("Alvarez", "Rosa")
    wei = clinic.add_patient("Chen", "Wei")
    anil = clinic.add_patient("Patel", "Anil", phone_mobile="(773) 555-0188")
    missed = clinic.book(clinic.add_patient("Okoro", "Ada"), 9, 0)

    def add(**fields: Any) -> int:
        return add_callback(engine, NewCallback(**fields), staff=ana).callback_id

    with clock.freeze(NOW - timedelta(hours=2)):
        billing = add(
            reason="billing", patient_id=rosa, due=NOW - timedelta(minutes=30), notes="statement"
        )
    with clock.freeze(NOW - timedelta(minutes=40)):
        log_attempt(engine, billing, "voicemail", staff=ana)
    add(reason="prior_auth", patient_id=wei, reference="PA-88231", notes="MRI lumbar")
    add(reason="clinical", patient_id=anil, notes="test prep: fasting?")
    add(
        reason="complaint",
        caller_name="[red]Dana[/] Brooks",
        phone="312 555 0177",
        notes="waited 2 hours\nwants a call from the manager",
    )
    change_status(engine, missed, Status.NO_SHOW, staff=ana)


def test_callbacks_queue_snapshot(clinic: Clinic, snap_compare: Any) -> None:
    """The queue, overdue first; the selected item's phone and note under the table."""
    _seed_queue(clinic)
    app = make_app(clinic)

    async def run_before(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("b")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_quick_add_snapshot(clinic: Clinic, snap_compare: Any) -> None:
    """Quick add from the schedule: a reason chosen, a bad phone refused at its field."""
    app = make_app(clinic)

    async def run_before(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press("ctrl+k", "4", "tab", *"Maria Núñez", "tab", *"555-CALL")
        await pilot.press("tab", "tab", "tab", *"RX-1", "tab", *"asks about [b]dosage[/b]")
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
