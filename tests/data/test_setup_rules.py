"""Who may apply a set-up file, and the changes it may not make (nothing applied when refused)."""

from __future__ import annotations

import pytest

from frontdesk.data.db import write_session
from frontdesk.data.errors import InvalidInput, PermissionDenied, StaleRecord
from frontdesk.data.models import Provider, Role
from frontdesk.data.setup_apply import apply_setup, diff_setup, read_setup
from frontdesk.data.setup_file import SetupInvalid
from frontdesk.data.setup_staff import set_first_password
from frontdesk.data.staff import StaffMember, create_staff
from tests.conftest import PASSWORD, Clinic
from tests.data.setup_helpers import FILE, rows, snapshot

pytestmark = pytest.mark.usefixtures("fast_hashing")


def admin_of(clinic: Clinic) -> StaffMember:
    with write_session(clinic.engine) as session:
        return create_staff(session, username="root", password=PASSWORD, role=Role.ADMIN)


def refused(clinic: Clinic, body: str, by: StaffMember) -> str:
    """Apply as ``by``, expecting a refusal; the database must be unchanged."""
    before = snapshot(clinic.engine)
    with pytest.raises(PermissionDenied) as caught:
        apply_setup(clinic.engine, read_setup(clinic.engine, body), by=by)
    assert snapshot(clinic.engine) == before
    return caught.value.message


def test_a_desk_clerk_cannot_apply(clinic: Clinic) -> None:
    message = refused(clinic, FILE, clinic.desk)

    assert message == "Only a supervisor can apply a set-up file"


def test_only_an_admin_can_make_an_admin(clinic: Clinic) -> None:
    body = '[[staff]]\nusername = "ana"\nname = "Ana"\nrole = "admin"\n'

    message = refused(clinic, body, clinic.supervisor)
    apply_setup(clinic.engine, read_setup(clinic.engine, body), by=admin_of(clinic))

    assert message.startswith("Only an admin can add or change an admin account (staff ana)")
    assert rows(clinic.engine, "SELECT role FROM staff WHERE username = 'ana'") == [("admin",)]


def test_a_supervisor_cannot_change_an_admin_account(clinic: Clinic) -> None:
    admin_of(clinic)
    body = '[[staff]]\nusername = "root"\nname = "root"\nrole = "admin"\nactive = false\n'

    message = refused(clinic, body, clinic.supervisor)

    assert "Only an admin can add or change an admin account (staff root)" in message


@pytest.mark.parametrize(
    "change", ['role = "supervisor"\nactive = false\n', 'role = "desk"\n'], ids=["off", "demoted"]
)
def test_nobody_takes_away_their_own_access(clinic: Clinic, change: str) -> None:
    body = f'[[staff]]\nusername = "sam"\nname = "Sam"\n{change}'

    message = refused(clinic, body, clinic.supervisor)

    assert message.startswith("The file takes away your own access (staff sam)")


def test_a_diff_that_went_stale_is_not_applied(clinic: Clinic) -> None:
    setup = read_setup(clinic.engine, FILE)
    shown = diff_setup(clinic.engine, setup).changes
    with write_session(clinic.engine) as session:  # another terminal, meanwhile
        row = session.get(Provider, clinic.provider_id)
        assert row is not None
        row.name = "Dr. G. Okafor"
        session.add(row)
    before = snapshot(clinic.engine)

    with pytest.raises(StaleRecord, match="changed since the differences were shown"):
        apply_setup(clinic.engine, setup, by=clinic.supervisor, expected=shown)

    assert snapshot(clinic.engine) == before


def test_two_providers_of_one_short_name_in_the_database_are_not_guessed(clinic: Clinic) -> None:
    with write_session(clinic.engine) as session:
        session.add(Provider(name="Dr. Ann Okafor", short_name="okafor"))
    setup = read_setup(clinic.engine, FILE)

    with pytest.raises(SetupInvalid) as caught:
        diff_setup(clinic.engine, setup)

    lines = FILE.splitlines()
    provider = lines.index('short_name = "Okafor"')  # the line of [[provider]] before it
    listed = lines.index('providers = ["Okafor", "Nguyen"]') + 1
    blockout = lines.index('provider = "Okafor"') + 1
    where = ['provider "Okafor"', 'type "Follow-up" providers', "blockout #1 provider"]
    assert caught.value.problems == tuple(
        f"clinic.toml line {line}: {what}: the database has two providers with the short name "
        '"Okafor"; rename one in the app first'
        for line, what in zip([provider, listed, blockout], where, strict=True)
    )


def test_a_first_password_needs_a_supervisor_and_an_account_without_one(clinic: Clinic) -> None:
    apply_setup(clinic.engine, read_setup(clinic.engine, FILE), by=clinic.supervisor)

    with pytest.raises(PermissionDenied):
        set_first_password(clinic.engine, username="dee", password="long enough!", by=clinic.desk)
    with pytest.raises(InvalidInput, match="already has a password"):
        set_first_password(
            clinic.engine, username="ana", password="long enough!", by=clinic.supervisor
        )
    with pytest.raises(InvalidInput, match="at least 8"):
        set_first_password(clinic.engine, username="dee", password="short", by=clinic.supervisor)
    with pytest.raises(InvalidInput, match="No account named zed"):
        set_first_password(
            clinic.engine, username="zed", password="long enough!", by=clinic.supervisor
        )

    assert rows(clinic.engine, "SELECT password_hash FROM staff WHERE username = 'dee'") == [("",)]
