"""Staff accounts: sign-in, back-off stored in the database, lock-out, unique usernames."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher, Type, extract_parameters
from sqlmodel import Session, col, select

from frontdesk import clock
from frontdesk.data import audit, staff
from frontdesk.data.db import make_engine, read_session, write_session
from frontdesk.data.errors import InvalidInput, SignInFailed, SignInThrottled
from frontdesk.data.models import AuditEvent, Role, Staff
from frontdesk.data.staff import create_staff, sign_in, unlock
from tests.conftest import PASSWORD, Clinic
from tests.data.helpers import audit_events, detail, fetch, set_fields

pytestmark = pytest.mark.usefixtures("fast_hashing")

WRONG = "not the password"


def staff_rows(clinic: Clinic) -> list[Staff]:
    with read_session(clinic.engine) as session:
        return list(session.exec(select(Staff).order_by(col(Staff.id))).all())


def fail(clinic: Clinic, username: str = "ana") -> SignInFailed | SignInThrottled:
    """One failed attempt; returns the error the clerk saw."""
    with pytest.raises((SignInFailed, SignInThrottled)) as caught:
        sign_in(clinic.engine, username, WRONG)
    assert isinstance(caught.value, SignInFailed | SignInThrottled)
    return caught.value


def test_sign_in_returns_the_member_and_is_audited(clinic: Clinic) -> None:
    member = sign_in(clinic.engine, "sam", PASSWORD)
    assert member == clinic.supervisor
    assert member.role == Role.SUPERVISOR
    assert member.is_supervisor
    assert not clinic.desk.is_supervisor
    (event,) = audit_events(clinic.engine, "signin")
    assert (event.staff_id, event.entity_id) == (member.id, member.id)


def test_wrong_password_and_unknown_user_look_the_same(clinic: Clinic) -> None:
    wrong_password = fail(clinic, "ana")
    unknown_user = fail(clinic, "nobody")
    assert type(wrong_password) is type(unknown_user) is SignInFailed
    assert str(wrong_password) == str(unknown_user) == "Username or password is not right"
    assert "ana" not in str(wrong_password)
    assert "nobody" not in str(unknown_user)


def test_every_failed_sign_in_is_audited(clinic: Clinic) -> None:
    fail(clinic, "ana")
    fail(clinic, "nobody")
    failed = audit_events(clinic.engine, "signin.failed")
    assert [e.entity_id for e in failed] == [clinic.desk.id, None]
    assert "password" not in failed[1].detail.casefold()
    assert WRONG not in failed[0].detail
    assert WRONG not in failed[1].detail


def test_inactive_account_cannot_sign_in(clinic: Clinic) -> None:
    with write_session(clinic.engine) as session:
        row = session.get(Staff, clinic.desk2.id)
        assert row is not None
        row.active = False
        session.add(row)
    with pytest.raises(SignInFailed, match="Username or password is not right"):
        sign_in(clinic.engine, "ben", PASSWORD)


def test_back_off_grows_after_three_failures_and_is_kept_in_the_database(
    clinic: Clinic, db_path: Path
) -> None:
    assert isinstance(fail(clinic), SignInFailed)
    assert isinstance(fail(clinic), SignInFailed)
    waits: list[int] = []
    for _ in range(5):
        error = fail(clinic)
        assert isinstance(error, SignInThrottled)
        assert error.wait_seconds > 0
        assert f"Wait {error.wait_seconds} s" in str(error)
        waits.append(error.wait_seconds)
        # trying again too soon is refused, even with the right password,
        # by a fresh engine (another terminal): the delay lives in the database
        other_terminal = make_engine(db_path)
        try:
            with pytest.raises(SignInThrottled, match="try again in") as early:
                sign_in(other_terminal, "ana", PASSWORD)
        finally:
            other_terminal.dispose()
        assert 0 < early.value.wait_seconds <= error.wait_seconds + 1
        clock.advance(timedelta(seconds=error.wait_seconds))
    assert waits == sorted(waits)
    assert len(set(waits)) == len(waits), waits  # strictly growing
    # the refused early attempts did not count as failures
    assert fetch(clinic.engine, Staff, clinic.desk.id).failed_attempts == 7


def test_the_delay_is_capped(clinic: Clinic) -> None:
    waits = []
    for _ in range(9):
        error = fail(clinic)
        if isinstance(error, SignInThrottled):
            waits.append(error.wait_seconds)
            clock.advance(timedelta(seconds=error.wait_seconds))
    assert waits == sorted(waits)
    assert max(waits) <= staff.MAX_DELAY_SECONDS
    assert waits[-1] == waits[-2] == staff.MAX_DELAY_SECONDS


def test_after_the_delay_the_right_password_works_and_resets_the_count(clinic: Clinic) -> None:
    for _ in range(3):
        error = fail(clinic)
    assert isinstance(error, SignInThrottled)
    clock.advance(timedelta(seconds=error.wait_seconds - 1))
    with pytest.raises(SignInThrottled):
        sign_in(clinic.engine, "ana", PASSWORD)
    clock.advance(timedelta(seconds=1))
    assert sign_in(clinic.engine, "ana", PASSWORD) == clinic.desk
    row = fetch(clinic.engine, Staff, clinic.desk.id)
    assert (row.failed_attempts, row.next_attempt_at, row.locked) == (0, None, False)
    assert isinstance(fail(clinic), SignInFailed)  # the free attempts are back


def test_ten_failures_lock_the_account_until_a_supervisor_unlocks_it(clinic: Clinic) -> None:
    errors = []
    for _ in range(staff.LOCK_AFTER):
        error = fail(clinic)
        errors.append(error)
        if isinstance(error, SignInThrottled):
            clock.advance(timedelta(seconds=error.wait_seconds))
    row = fetch(clinic.engine, Staff, clinic.desk.id)
    assert (row.failed_attempts, row.locked) == (staff.LOCK_AFTER, True)
    # the clerk is told at once that the account is now locked
    assert "locked" in str(errors[-1])
    clock.advance(timedelta(days=1))  # waiting does not help
    with pytest.raises(SignInThrottled, match="locked after too many attempts"):
        sign_in(clinic.engine, "ana", PASSWORD)
    with write_session(clinic.engine) as session, pytest.raises(InvalidInput, match="supervisor"):
        unlock(session, username="ana", by=clinic.desk2)
    with write_session(clinic.engine) as session:
        unlock(session, username="ANA", by=clinic.supervisor)
    assert sign_in(clinic.engine, "ana", PASSWORD) == clinic.desk
    (event,) = audit_events(clinic.engine, "staff.unlocked")
    assert (event.staff_id, event.entity_id) == (clinic.supervisor.id, clinic.desk.id)


def new_account(clinic: Clinic, username: str, password: str = PASSWORD) -> InvalidInput:
    """Try to add an account that must be refused; returns the refusal."""
    with write_session(clinic.engine) as session, pytest.raises(InvalidInput) as caught:
        create_staff(session, username=username, password=password)
    return caught.value


def test_usernames_are_unique_after_nfkc_and_case_folding(clinic: Clinic) -> None:
    for username in ["ANA", "Ana", "ａｎａ", "ＡＮＡ", " ana "]:
        refused = new_account(clinic, username)
        assert refused.field == "username"
        assert str(refused) == f"Username {username.strip()} is taken"
        # and the same spellings sign in to the one account
        assert sign_in(clinic.engine, username, PASSWORD) == clinic.desk
    assert fetch(clinic.engine, Staff, clinic.desk.id).username == "ana"


def test_new_accounts_and_their_rules(clinic: Clinic) -> None:
    with write_session(clinic.engine) as session:
        member = create_staff(
            session,
            username="Dee.Lopez",
            password="long enough pw",
            display_name="Dee López",
            created_by=clinic.supervisor.id,
        )
    assert (member.username, member.display_name, member.role) == (
        "Dee.Lopez",
        "Dee López",
        Role.DESK,
    )
    row = fetch(clinic.engine, Staff, member.id)
    assert row.username_key == "dee.lopez"
    assert row.password_hash.startswith("$argon2id$")
    assert "long enough pw" not in row.password_hash
    (event,) = [e for e in audit_events(clinic.engine, "staff.created") if e.entity_id == member.id]
    assert event.staff_id == clinic.supervisor.id
    assert sign_in(clinic.engine, "dee.lopez", "long enough pw") == member


BAD_ACCOUNTS = [
    ("eve", "short", "password", "at least 8 characters"),
    ("eve", "tab\there!!", "password", "control character"),
    ("eve smith", PASSWORD, "username", "letters, digits, dot, dash and underscore"),
    ("eve;drop", PASSWORD, "username", "letters, digits, dot, dash and underscore"),
    ("", PASSWORD, "username", "required"),
    ("e" * 33, PASSWORD, "username", "limit is 32"),
]


def test_bad_new_accounts_are_refused(clinic: Clinic) -> None:
    for username, password, field, message in BAD_ACCOUNTS:
        refused = new_account(clinic, username, password)
        assert (refused.field, message in str(refused)) == (field, True), (username, password)
    assert [s.username for s in staff_rows(clinic)] == ["ana", "ben", "sam"]


def test_unknown_names_are_slowed_and_locked_exactly_like_accounts(clinic: Clinic) -> None:
    """Eleven wrong tries read the same for a real account and a made-up name."""
    known, unknown = [], []
    for _ in range(staff.LOCK_AFTER + 1):
        known.append(str(fail(clinic, "ana")))
        unknown.append(str(fail(clinic, "no-such-clerk")))
        clock.advance(timedelta(seconds=staff.MAX_DELAY_SECONDS + 1))
    assert known == unknown
    assert "Wait 2 s" in known[staff.FREE_ATTEMPTS - 1]
    assert "locked" in known[-1]


def test_a_password_typed_as_username_is_not_stored(clinic: Clinic) -> None:
    secret = "hunter2-typed-in-the-wrong-box"
    fail(clinic, secret)
    events = audit_events(clinic.engine, "signin.failed")
    assert len(events) == 1
    assert secret not in events[0].detail


# --- argon2 parameters: new hashes at the OWASP baseline, old ones replaced on sign-in ---

# argon2-cffi's defaults before this code chose its own (RFC 9106's low-memory profile).
OLD_DEFAULTS = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4)


@pytest.fixture
def real_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hasher as the module builds it, in place of the cheap one of ``fast_hashing``."""
    request.getfixturevalue("fast_hashing")  # set up first, so that this patch holds
    monkeypatch.setattr(staff, "_hasher", PasswordHasher.from_parameters(staff.PARAMETERS))


def stored_hash(clinic: Clinic, staff_id: int) -> str:
    return fetch(clinic.engine, Staff, staff_id).password_hash


def test_the_parameters_are_the_owasp_argon2id_baseline() -> None:
    params = staff.PARAMETERS
    assert params.type is Type.ID
    assert (params.memory_cost, params.time_cost, params.parallelism) == (19456, 2, 1)


@pytest.mark.usefixtures("real_hashing")
def test_new_hashes_carry_the_current_parameters(clinic: Clinic) -> None:
    with write_session(clinic.engine) as session:
        member = create_staff(session, username="fay", password=PASSWORD)
    stored = stored_hash(clinic, member.id)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert extract_parameters(stored) == staff.PARAMETERS


@pytest.mark.usefixtures("real_hashing")
def test_an_old_default_hash_signs_in_and_is_replaced_with_the_current_parameters(
    clinic: Clinic,
) -> None:
    old = OLD_DEFAULTS.hash(PASSWORD)
    set_fields(clinic.engine, Staff, clinic.desk.id, password_hash=old)
    assert sign_in(clinic.engine, "ana", PASSWORD) == clinic.desk
    new = stored_hash(clinic, clinic.desk.id)
    assert new != old
    assert extract_parameters(new) == staff.PARAMETERS
    assert PasswordHasher.from_parameters(staff.PARAMETERS).verify(new, PASSWORD)
    (event,) = audit_events(clinic.engine, "signin")
    assert detail(event) == {"password_rehashed": True}
    # the new hash signs in too, and is kept as it is (and the event says nothing of it)
    assert sign_in(clinic.engine, "ana", PASSWORD) == clinic.desk
    assert stored_hash(clinic, clinic.desk.id) == new
    assert detail(audit_events(clinic.engine, "signin")[-1]) == {}


@pytest.mark.usefixtures("real_hashing")
def test_a_wrong_password_does_not_replace_an_old_hash(clinic: Clinic) -> None:
    old = OLD_DEFAULTS.hash(PASSWORD)
    set_fields(clinic.engine, Staff, clinic.desk.id, password_hash=old)
    assert isinstance(fail(clinic, "ana"), SignInFailed)
    assert stored_hash(clinic, clinic.desk.id) == old
    assert audit_events(clinic.engine, "signin") == []


@pytest.mark.usefixtures("real_hashing")
def test_the_new_hash_is_saved_only_with_the_sign_in_event(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The replacement hash is written in the sign-in's transaction: no event, no new hash."""
    old = OLD_DEFAULTS.hash(PASSWORD)
    set_fields(clinic.engine, Staff, clinic.desk.id, password_hash=old, failed_attempts=2)
    record = audit.record

    def broken(session: Session, **event: Any) -> AuditEvent:
        if event["action"] == "signin":
            raise RuntimeError("disk full")
        return record(session, **event)

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        sign_in(clinic.engine, "ana", PASSWORD)
    row = fetch(clinic.engine, Staff, clinic.desk.id)
    assert (row.password_hash, row.failed_attempts) == (old, 2)
