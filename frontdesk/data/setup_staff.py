"""Staff accounts in a set-up file: who may change them, and their first password.

A set-up file never holds passwords. An account it adds has an empty
password hash, which never verifies (``sign_in`` treats it as a wrong
password), so nobody can sign in as it until a supervisor gives it a first
password with :func:`set_first_password` (``frontdesk setup password NAME``).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlmodel import select

from frontdesk.data import audit, staff
from frontdesk.data.db import write_session
from frontdesk.data.errors import InvalidInput, PermissionDenied
from frontdesk.data.models import Role, Staff
from frontdesk.data.setup_file import StaffSpec
from frontdesk.data.staff import StaffMember, check_password, to_member, username_key

if TYPE_CHECKING:
    from frontdesk.data.setup_plan import Plan

NO_PASSWORD = ""  # never verifies: the account cannot sign in until a password is set
_RANK = {Role.DESK.value: 0, Role.SUPERVISOR.value: 1, Role.ADMIN.value: 2}


def plan_staff(plan: Plan) -> None:
    """Add the file's new accounts; change name, role and active of the others."""
    rows = {row.username_key: row for row in plan.session.exec(select(Staff))}
    for spec in plan.setup.staff:
        row = rows.get(username_key(spec.username))
        if row is None:
            extra = "" if spec.active else ", not active"
            text = f"staff {spec.username} ({spec.name}, {spec.role.value}{extra}; no password yet)"
            plan.add("+", "staff", text, partial(_new_staff, plan, spec))
            plan.staff_touched.append((spec.username, spec.role.value, spec.active, None))
            continue
        changed = False
        for attr, label, new in (
            ("display_name", "name", spec.name),
            ("role", "role", spec.role.value),
            ("active", "active", spec.active),
        ):
            old = getattr(row, attr)
            if old == new:
                continue
            if isinstance(new, bool):
                shown = f"{'true' if old else 'false'} -> {'true' if new else 'false'}"
            elif attr == "display_name":
                shown = f'"{old}" -> "{new}"'
            else:
                shown = f"{old} -> {new}"
            plan.add(
                "~",
                "staff",
                f"staff {row.username}: {label} {shown}",
                partial(plan.set, row, attr, new),
            )
            changed = True
        if changed:
            plan.staff_touched.append((row.username, spec.role.value, spec.active, row))


def _new_staff(plan: Plan, spec: StaffSpec) -> None:
    plan.session.add(
        Staff(
            username=spec.username,
            username_key=username_key(spec.username),
            display_name=spec.name,
            role=spec.role.value,
            password_hash=NO_PASSWORD,
            active=spec.active,
            created_at=plan.now,
        )
    )


def check_allowed(plan: Plan, by: StaffMember) -> None:
    """Refuse what ``by`` may not do: touch an admin account (unless an admin), or take
    away their own access (deactivate or demote themselves)."""
    if not by.is_supervisor:
        raise PermissionDenied("Only a supervisor can apply a set-up file")
    for username, role, active, row in plan.staff_touched:
        admin = role == Role.ADMIN.value or (row is not None and row.role == Role.ADMIN.value)
        if admin and by.role != Role.ADMIN:
            raise PermissionDenied(
                f"Only an admin can add or change an admin account (staff {username}); "
                "nothing was applied."
            )
        lower = _RANK.get(role, 0) < _RANK.get(row.role, 0) if row is not None else False
        if row is not None and row.id == by.id and (not active or lower):
            raise PermissionDenied(
                f"The file takes away your own access (staff {username}); another supervisor "
                "must apply it. Nothing was applied."
            )


def has_password(engine: Engine, username: str) -> bool | None:
    """Whether the account has a password; ``None`` if there is no such account."""
    from frontdesk.data.db import read_session

    with read_session(engine) as session:
        row = session.exec(
            select(Staff).where(Staff.username_key == username_key(username))
        ).first()
        return None if row is None else row.password_hash != NO_PASSWORD


def set_first_password(
    engine: Engine, *, username: str, password: str, by: StaffMember
) -> StaffMember:
    """Give an account made by a set-up file its first password (a supervisor; an admin
    for an admin account). Accounts that have a password already are refused."""
    if not by.is_supervisor:
        raise PermissionDenied("Only a supervisor can set a password")
    check_password(password)
    with write_session(engine) as session:
        row = session.exec(
            select(Staff).where(Staff.username_key == username_key(username))
        ).first()
        if row is None:
            raise InvalidInput(f"No account named {username}", field="username")
        if row.password_hash != NO_PASSWORD:
            raise InvalidInput(
                f"{row.username} already has a password; only a new account's first "
                "password is set here",
                field="username",
            )
        if row.role == Role.ADMIN.value and by.role != Role.ADMIN:
            raise PermissionDenied("Only an admin can set an admin account's password")
        row.password_hash = staff._hasher.hash(password)
        row.failed_attempts = 0
        row.next_attempt_at = None
        row.locked = False
        session.add(row)
        audit.record(
            session, staff_id=by.id, action="staff.password_set", entity="staff", entity_id=row.id
        )
        return to_member(row)
