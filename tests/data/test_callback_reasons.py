"""The callback reasons a supervisor can change."""

from __future__ import annotations

import pytest

from frontdesk.data.callback_reasons import all_reasons, update_reason
from frontdesk.data.callbacks import NewCallback, add_callback
from frontdesk.data.errors import InvalidInput, PermissionDenied
from frontdesk.data.models import Callback
from tests.conftest import Clinic
from tests.data.helpers import audit_events, fetch

pytestmark = pytest.mark.usefixtures("fast_hashing")


def test_a_changed_reason_routes_and_times_new_items(clinic: Clinic) -> None:
    update_reason(
        clinic.engine, "records", by=clinic.supervisor, queue="supervisor", due_minutes=60
    )
    added = add_callback(
        clinic.engine,
        NewCallback(reason="records", caller_name="Wei Chen", phone="312 555 0100"),
        staff=clinic.desk,
    )
    item = fetch(clinic.engine, Callback, added.callback_id)
    assert item.owner_queue == "supervisor"
    assert (item.due_at - item.created_at).total_seconds() == 3600
    assert len(audit_events(clinic.engine, "callback_reason.changed")) == 1


def test_a_reason_switched_off_is_no_longer_offered(clinic: Clinic) -> None:
    update_reason(clinic.engine, "referral", by=clinic.supervisor, active=False)
    assert ("referral", False) in [(r.code, on) for r, on in all_reasons(clinic.engine)]
    with pytest.raises(InvalidInput) as caught:
        add_callback(
            clinic.engine,
            NewCallback(reason="referral", caller_name="Wei Chen", phone="312 555 0100"),
            staff=clinic.desk,
        )
    assert caught.value.field == "reason"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"queue": "billing"}, "queue"),
        ({"due_minutes": -5}, "due_minutes"),
        ({"priority": 7}, "priority"),
        ({"label": ""}, "label"),
    ],
)
def test_bad_changes_are_refused(clinic: Clinic, change: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        update_reason(clinic.engine, "billing", by=clinic.supervisor, **change)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_only_a_supervisor_changes_reasons(clinic: Clinic) -> None:
    with pytest.raises(PermissionDenied):
        update_reason(clinic.engine, "billing", by=clinic.desk, priority=1)
