"""Staff accounts: argon2id passwords, sign-in with growing back-off, roles."""

from __future__ import annotations

import contextlib
import functools
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from typing import NoReturn

from argon2 import Parameters, PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from frontdesk import clock
from frontdesk.data import audit
from frontdesk.data.db import read_session, write_session
from frontdesk.data.errors import FrontDeskError, InvalidInput, SignInFailed, SignInThrottled
from frontdesk.data.models import Role, SignInThrottle, Staff
from frontdesk.data.validation import clean_name, clean_text

FREE_ATTEMPTS = 3  # failures before any delay
MAX_DELAY_SECONDS = 60
LOCK_AFTER = 10
MIN_PASSWORD = 8

# argon2id at the baseline of OWASP's Password Storage Cheat Sheet
# (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html):
# 19 MiB of memory, 2 iterations, 1 lane. The library's defaults (RFC 9106's
# low-memory profile, 64 MiB, t=3, p=4) added 64 MiB to the app's peak memory at
# every sign-in. A hash carries its own parameters, so hashes made with others
# still verify; ``sign_in`` replaces them with these on the next good password.
PARAMETERS = Parameters(
    type=Type.ID,
    version=19,
    salt_len=16,
    hash_len=32,
    time_cost=2,
    memory_cost=19 * 1024,  # KiB
    parallelism=1,
)
_hasher = PasswordHasher.from_parameters(PARAMETERS)


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against for unknown names (made on first need: it costs ~20 ms)."""
    return _hasher.hash("not a password of anyone")


@dataclass(frozen=True)
class StaffMember:
    """The signed-in person, as the app and CLI carry it."""

    id: int
    username: str
    display_name: str
    role: Role

    @property
    def is_supervisor(self) -> bool:
        """Supervisors and admins may approve and close the day."""
        return self.role in (Role.SUPERVISOR, Role.ADMIN)


def username_key(username: str) -> str:
    """Usernames are unique after NFKC and case-folding."""
    return unicodedata.normalize("NFKC", username).casefold().strip()


def check_password(password: str) -> str:
    """A new password must be at least 8 characters and free of control characters."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"Password must be at least {MIN_PASSWORD} characters", field="password")
    if any(ord(ch) < 0x20 for ch in password):
        raise InvalidInput("Password has a control character", field="password")
    return password


def to_member(row: Staff) -> StaffMember:
    """The plain value for a staff row."""
    assert row.id is not None
    return StaffMember(
        id=row.id, username=row.username, display_name=row.display_name, role=Role(row.role)
    )


def find_active_staff(engine: Engine, username: str) -> StaffMember | None:
    """The active account ``username`` (matched as sign-in matches names), else ``None``."""
    with read_session(engine) as session:
        row = session.exec(
            select(Staff).where(
                Staff.username_key == username_key(username), col(Staff.active).is_(True)
            )
        ).first()
        return to_member(row) if row is not None else None


def create_staff(
    session: Session,
    *,
    username: str,
    password: str,
    display_name: str = "",
    role: Role = Role.DESK,
    created_by: int | None = None,
) -> StaffMember:
    """Add a staff account (in the caller's write transaction)."""
    name = clean_text(username, field="username", label="Username", required=True, max_len=32)
    if not all(ch.isalnum() or ch in "._-" for ch in name):
        raise InvalidInput(
            "Username may use letters, digits, dot, dash and underscore", field="username"
        )
    key = username_key(name)
    if session.exec(select(Staff).where(Staff.username_key == key)).first() is not None:
        raise InvalidInput(f"Username {name} is taken", field="username")
    shown = clean_name(display_name or name, field="display_name", label="Display name")
    row = Staff(
        username=name,
        username_key=key,
        display_name=shown,
        role=role.value,
        password_hash=_hasher.hash(check_password(password)),
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        staff_id=created_by,
        action="staff.created",
        entity="staff",
        entity_id=row.id,
        detail={"username": name, "role": role.value},
    )
    return to_member(row)


def _delay_for(failures: int) -> int:
    if failures < FREE_ATTEMPTS:
        return 0
    return int(min(2 ** (failures - FREE_ATTEMPTS + 1), MAX_DELAY_SECONDS))


def _counter(session: Session, key: str, account: Staff | None) -> Staff | SignInThrottle:
    """Where failures are counted: the account, or the throttle row of an unknown name."""
    if account is not None:
        return account
    row = session.get(SignInThrottle, key)
    return row if row is not None else SignInThrottle(username_key=key)


def sign_in(
    engine: Engine, username: str, password: str, *, purpose: str = "signin"
) -> StaffMember:
    """Check a username and password; the answer never says which was wrong.

    Failures are counted in the database per username: after three, each
    attempt must wait longer (2 s, 4 s, ... up to a minute); after ten the name
    is locked until a supervisor resets it. Names that are not an active
    account are counted and slowed the same way (and cost the same hash check),
    so no answer reveals whether an account exists. Every failure and refusal
    is audited; the typed text of an unknown name is not stored (it may be a
    password typed in the wrong box). ``purpose`` names the audit action, so a
    supervisor's approval ("approval") is told apart from a sign-in.
    """
    key = username_key(username)
    now = clock.now()
    failed = "Username or password is not right"
    with write_session(engine) as session:
        row = session.exec(select(Staff).where(Staff.username_key == key)).first()
        account = row if row is not None and row.active else None
        counter = _counter(session, key, account)
        staff_id = account.id if account is not None else None

        def refuse(reason: str, error: FrontDeskError) -> NoReturn:
            audit.record(
                session,
                staff_id=staff_id,
                action=f"{purpose}.refused",
                entity="staff",
                entity_id=staff_id,
                detail={"reason": reason},
            )
            session.commit()
            raise error

        if counter.locked:
            with contextlib.suppress(VerificationError):
                _hasher.verify(_dummy_hash(), password)
            refuse(
                "locked",
                SignInThrottled(
                    "This account is locked after too many attempts; ask a supervisor", 0
                ),
            )
        if counter.next_attempt_at is not None and now < counter.next_attempt_at:
            wait = int((counter.next_attempt_at - now).total_seconds()) + 1
            refuse("too soon", SignInThrottled(f"Too many attempts: try again in {wait} s", wait))
        try:
            _hasher.verify(account.password_hash if account else _dummy_hash(), password)
            ok = account is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if not ok or account is None:
            counter.failed_attempts += 1
            delay = _delay_for(counter.failed_attempts)
            counter.next_attempt_at = now + timedelta(seconds=delay) if delay else None
            counter.locked = counter.failed_attempts >= LOCK_AFTER
            session.add(counter)
            audit.record(
                session,
                staff_id=staff_id,
                action=f"{purpose}.failed",
                entity="staff",
                entity_id=staff_id,
                detail={
                    "failures": counter.failed_attempts,
                    "locked": counter.locked,
                    "known_account": account is not None,
                },
            )
            session.commit()  # the failure is counted and audited even though we raise
            if counter.locked:
                raise SignInThrottled(
                    f"{failed}. The account is now locked after too many attempts; "
                    "ask a supervisor",
                    0,
                )
            if delay:
                raise SignInThrottled(f"{failed}. Wait {delay} s before trying again", delay)
            raise SignInFailed(failed)
        # A hash made with other parameters is replaced in this transaction, with
        # the sign-in's audit event: both are saved, or neither.
        rehashed = _hasher.check_needs_rehash(account.password_hash)
        if rehashed:
            account.password_hash = _hasher.hash(password)
        account.failed_attempts = 0
        account.next_attempt_at = None
        session.add(account)
        audit.record(
            session,
            staff_id=account.id,
            action=purpose,
            entity="staff",
            entity_id=account.id,
            detail={"password_rehashed": True} if rehashed else None,
        )
        return to_member(account)


def unlock(session: Session, *, username: str, by: StaffMember) -> None:
    """A supervisor clears a locked account's failure count."""
    if not by.is_supervisor:
        raise InvalidInput("Only a supervisor can unlock an account")
    row = session.exec(select(Staff).where(Staff.username_key == username_key(username))).first()
    if row is None:
        raise InvalidInput(f"No account named {username}", field="username")
    row.failed_attempts = 0
    row.next_attempt_at = None
    row.locked = False
    session.add(row)
    audit.record(session, staff_id=by.id, action="staff.unlocked", entity="staff", entity_id=row.id)
