"""``frontdesk callbacks reasons``: the list, and a supervisor's change."""

from __future__ import annotations

import pytest

from frontdesk.data.models import CallbackReason
from tests.cli.callbacks_helpers import run
from tests.conftest import PASSWORD, Clinic
from tests.data.helpers import fetch

pytestmark = pytest.mark.usefixtures("fast_hashing")


def test_the_list_shows_each_reasons_rule(clinic: Clinic) -> None:
    result = run(clinic, "callbacks", "reasons")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "nurse" in lines["clinical"]
    assert "same day" in lines["clinical"]
    assert "automatic" in lines["rebook"]


def test_a_supervisor_changes_a_reason(clinic: Clinic) -> None:
    result = run(
        clinic,
        "callbacks",
        "reasons",
        "--user",
        "sam",
        "--code",
        "records",
        "--due-minutes",
        "2880",
        "--queue",
        "supervisor",
        password=PASSWORD,
    )
    assert result.exit_code == 0, result.output
    row = fetch(clinic.engine, CallbackReason, "records")
    assert (row.due_minutes, row.queue) == (2880, "supervisor")


@pytest.mark.parametrize(
    ("user", "args"),
    [
        ("ana", ["--code", "records", "--priority", "1"]),  # not a supervisor
        ("sam", ["--code", "records", "--queue", "billing"]),  # no such queue
        ("sam", ["--code", "nope", "--priority", "1"]),  # no such reason
        ("sam", ["--priority", "1"]),  # which reason?
    ],
)
def test_refusals_exit_2_and_change_nothing(clinic: Clinic, user: str, args: list[str]) -> None:
    result = run(clinic, "callbacks", "reasons", "--user", user, *args, password=PASSWORD)
    assert result.exit_code == 2, result.output
    row = fetch(clinic.engine, CallbackReason, "records")
    assert (row.priority, row.queue) == (3, "desk")
