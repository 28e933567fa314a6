"""The clinic's settings: name, timezone and desk policies."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy.engine import Engine
from sqlmodel import Session

from frontdesk import clock
from frontdesk.data import audit
from frontdesk.data.db import read_session, write_session
from frontdesk.data.errors import InvalidInput, PermissionDenied, SetupError
from frontdesk.data.models import DEFAULT_DENOMINATIONS, ClinicSettings
from frontdesk.data.staff import StaffMember
from frontdesk.data.validation import clean_text
from frontdesk.money import MAX_CENTS


@dataclass(frozen=True)
class Clinic:
    """A plain copy of the settings row, with the timezone resolved."""

    name: str
    zone: ZoneInfo
    phone_region: str
    date_order: str
    no_show_grace_minutes: int
    demographics_stale_days: int
    idle_lock_minutes: int
    is_demo: bool
    denominations: tuple[int, ...] = tuple(int(d) for d in DEFAULT_DENOMINATIONS.split(","))
    max_payment_cents: int = 200_000
    variance_tolerance_cents: int = 100
    print_command: str = ""
    long_wait_minutes: int = 30
    late_cancel_hours: int = 24

    def today(self) -> date:
        """The clinic's business day now."""
        return clock.today(self.zone)


def parse_timezone(name: str) -> ZoneInfo:
    """An IANA zone such as ``America/Chicago``; anything else is refused."""
    text = name.strip()
    if not text or text not in available_timezones() and text != "UTC":
        raise InvalidInput(
            f"{text or 'That'} is not a timezone name; use one like America/Chicago",
            field="timezone",
        )
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"{text} is not a known timezone", field="timezone") from None


def create_settings(
    session: Session, *, name: str, timezone: str, is_demo: bool = False
) -> ClinicSettings:
    """Write the settings row (at init) with its audit event."""
    clean = clean_text(name, field="clinic", label="Clinic name", required=True, max_len=80)
    zone = parse_timezone(timezone)
    row = ClinicSettings(name=clean, timezone=zone.key, is_demo=is_demo, created_at=clock.now())
    session.add(row)
    session.flush()
    audit.record(
        session,
        staff_id=None,
        action="clinic.created",
        entity="clinic_settings",
        entity_id=row.id,
        detail={"name": clean, "timezone": zone.key},
    )
    return row


def to_clinic(row: ClinicSettings) -> Clinic:
    """The plain value from a settings row."""
    return Clinic(
        name=row.name,
        zone=ZoneInfo(row.timezone),
        phone_region=row.phone_region,
        date_order=row.date_order,
        no_show_grace_minutes=row.no_show_grace_minutes,
        demographics_stale_days=row.demographics_stale_days,
        idle_lock_minutes=row.idle_lock_minutes,
        is_demo=row.is_demo,
        denominations=parse_denominations(row.denominations),
        max_payment_cents=row.max_payment_cents,
        variance_tolerance_cents=row.variance_tolerance_cents,
        print_command=row.print_command,
        long_wait_minutes=row.long_wait_minutes,
        late_cancel_hours=row.late_cancel_hours,
    )


def parse_denominations(text: str) -> tuple[int, ...]:
    """``"10000,5000,...,1"`` (cents) -> a tuple, largest first, no repeats."""
    values: set[int] = set()
    for part in text.replace(" ", "").split(","):
        if not part.isdigit() or int(part) <= 0:
            raise InvalidInput(
                "Denominations are whole cents separated by commas, like 10000,2000,25,1",
                field="denominations",
            )
        values.add(int(part))
    return tuple(sorted(values, reverse=True))


SETTABLE = ("denominations", "max_payment_cents", "variance_tolerance_cents", "print_command")


def update_settings(engine: Engine, *, by: StaffMember, **changes: str | int) -> Clinic:
    """Change desk money settings (a supervisor), audited with before and after."""
    if not by.is_supervisor:
        raise PermissionDenied("Only a supervisor can change the clinic's settings")
    unknown = set(changes) - set(SETTABLE)
    if unknown:
        raise InvalidInput(f"Unknown setting: {', '.join(sorted(unknown))}")
    with write_session(engine) as session:
        row = session.get(ClinicSettings, 1)
        if row is None:
            raise SetupError("This database has no clinic yet: run `frontdesk init`")
        before = {key: getattr(row, key) for key in changes}
        for key, value in changes.items():
            if key == "denominations":
                value = ",".join(str(d) for d in parse_denominations(str(value)))
            elif key == "print_command":
                value = clean_text(str(value), field=key, label="Print command", max_len=200)
            elif not isinstance(value, int) or value < 0 or value > MAX_CENTS:
                raise InvalidInput(f"{key} must be cents between 0 and {MAX_CENTS}", field=key)
            setattr(row, key, value)
        session.add(row)
        audit.record(
            session,
            staff_id=by.id,
            action="clinic.settings_changed",
            entity="clinic_settings",
            entity_id=row.id,
            detail={"before": before, "after": {key: getattr(row, key) for key in changes}},
        )
        return to_clinic(row)


def get_clinic_in(session: Session) -> Clinic:
    """The clinic's settings, read in the caller's session."""
    row = session.get(ClinicSettings, 1)
    if row is None:
        raise SetupError("This database has no clinic yet: run `frontdesk init`")
    return to_clinic(row)


def load_clinic(engine: Engine) -> Clinic:
    """The clinic's settings, read in a session of its own."""
    with read_session(engine) as session:
        return get_clinic_in(session)


def local_timezone_name() -> str:
    """The machine's IANA timezone: ``TZ``, then ``/etc/localtime``, else ``UTC``."""
    env = os.environ.get("TZ", "").lstrip(":")
    if env and env in available_timezones():
        return env
    link = Path("/etc/localtime")
    try:
        target = str(link.resolve())
    except OSError:
        return "UTC"
    marker = "zoneinfo/"
    if marker in target:
        name = target.split(marker, 1)[1]
        if name in available_timezones():
            return name
    tz_file = Path("/etc/timezone")
    if tz_file.exists():
        name = tz_file.read_text().strip()
        if name in available_timezones():
            return name
    return "UTC"
