"""``frontdesk handoff``: the open callbacks grouped by owner, for the next shift."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from rich.cells import cell_len

from frontdesk.data.callbacks import close_callback, log_attempt
from tests.cli.callbacks_helpers import ITEM, add, run
from tests.conftest import NOW, Clinic

pytestmark = pytest.mark.usefixtures("fast_hashing")


def test_handoff_groups_open_items_by_owner(clinic: Clinic) -> None:
    nurse = add(clinic, reason="clinical", caller_name="Nora Nurse-Call", notes="rash since Friday")
    desk = add(clinic, reason="billing", caller_name="Dina Desk")
    late = add(clinic, reason="other", caller_name="Lars Late", due=NOW - timedelta(minutes=10))
    bens = add(clinic, reason="scheduling", caller_name="Bea Ben", owner_staff_id=clinic.desk2.id)
    closed = add(clinic, reason="billing", caller_name="Cleo Closed")
    close_callback(clinic.engine, closed, "resolved", staff=clinic.desk)
    log_attempt(clinic.engine, desk, "voicemail", staff=clinic.desk)

    result = run(clinic, "handoff")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Handoff, Tue Nov 24 10:00 (America/Chicago): 4 open items, 1 overdue."
    groups: dict[str, list[int]] = {}
    heading = ""
    for line in lines[1:]:
        if line and not line.startswith(" "):
            heading = line
            groups[heading] = []
        elif ITEM.match(line):
            groups[heading].append(int(line.split()[0]))
    assert groups == {
        "Ben: 1 open item, 0 overdue.": [bens],  # a person by full name
        "desk queue: 2 open items, 1 overdue.": [late, desk],
        "nurse queue: 1 open item, 0 overdue.": [nurse],
    }
    text_out = result.stdout
    assert "Cleo Closed" not in text_out
    late_line = next(line for line in lines if line.strip().startswith(f"{late} "))
    assert "OVERDUE" in late_line
    desk_line = next(line for line in lines if line.strip().startswith(f"{desk} "))
    assert "(312) 555-0134" in desk_line
    assert desk_line.endswith("1 try")
    assert "last try: Left voicemail, next try Nov 24 12:00" in text_out
    assert "rash since Friday" in text_out
    assert all(cell_len(line) <= 80 for line in lines)


def test_handoff_json(clinic: Clinic) -> None:
    nurse = add(clinic, reason="clinical")
    desk = add(clinic, reason="billing")

    result = run(clinic, "handoff", "--json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert datetime.fromisoformat(data["at"]) == NOW
    assert [(g["owner"], g["open"], g["overdue"]) for g in data["owners"]] == [
        ("desk", 1, 0),
        ("nurse", 1, 0),
    ]
    assert [[i["id"] for i in g["items"]] for g in data["owners"]] == [[desk], [nurse]]
    assert data["owners"][1]["items"][0]["due_at"] == "2026-11-24T17:00:00-06:00"


def test_handoff_with_nothing_open(clinic: Clinic) -> None:
    result = run(clinic, "handoff")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Handoff, Tue Nov 24 10:00 (America/Chicago): 0 open items, 0 overdue."
    ]
