"""Finding an active account by username, as sign-in matches names."""

from __future__ import annotations

from frontdesk.data.models import SignInThrottle, Staff
from frontdesk.data.staff import find_active_staff
from tests.conftest import Clinic
from tests.data.helpers import audit_events, count, set_fields


def test_finds_the_account_by_its_username(clinic: Clinic) -> None:
    assert find_active_staff(clinic.engine, "ana") == clinic.desk
    assert find_active_staff(clinic.engine, "sam") == clinic.supervisor


def test_the_name_is_matched_as_sign_in_matches_it(clinic: Clinic) -> None:
    assert find_active_staff(clinic.engine, "BEN") == clinic.desk2
    assert find_active_staff(clinic.engine, " Ben ") == clinic.desk2
    assert find_active_staff(clinic.engine, "\uff22\uff45\uff4e") == clinic.desk2  # full-width


def test_unknown_and_inactive_accounts_are_none(clinic: Clinic) -> None:
    set_fields(clinic.engine, Staff, clinic.desk2.id, active=False)

    assert find_active_staff(clinic.engine, "nobody") is None
    assert find_active_staff(clinic.engine, "") is None
    assert find_active_staff(clinic.engine, "ben") is None
    assert find_active_staff(clinic.engine, "ana") == clinic.desk


def test_looking_up_is_not_a_sign_in_and_writes_nothing(clinic: Clinic) -> None:
    before = len(audit_events(clinic.engine))

    find_active_staff(clinic.engine, "ana")
    find_active_staff(clinic.engine, "nobody")

    assert len(audit_events(clinic.engine)) == before
    assert count(clinic.engine, SignInThrottle) == 0  # an unknown name is not a failed try
