"""SQLModel tables. Datetimes are stored in UTC and are always timezone-aware.

Money columns are integer cents. Append-only tables (status events, audit
events) are protected by triggers created in the migrations.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel


class Role(StrEnum):
    """What a staff member may do."""

    DESK = "desk"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Status(StrEnum):
    """An appointment's state; the value is the word shown on screen."""

    BOOKED = "BOOKED"
    ARRIVED = "ARRIVED"
    IN_ROOM = "IN ROOM"
    DONE = "DONE"
    NO_SHOW = "NO-SHOW"
    CANCELLED = "CANCELLED"


# US bills and coins in cents, largest first
DEFAULT_DENOMINATIONS = "10000,5000,2000,1000,500,100,25,10,5,1"


class Tender(StrEnum):
    """How money changed hands; the value is the word shown on screen."""

    CASH = "cash"
    CHECK = "check"
    CARD = "card"


class PaymentKind(StrEnum):
    """What a payment is for."""

    COPAY = "copay"
    PAST_DUE = "past_due"
    PREPAYMENT = "prepayment"
    OTHER = "other"


class Entry(StrEnum):
    """A money row is a payment or a reversal of one (never an edit)."""

    PAYMENT = "payment"
    VOID = "void"
    REFUND = "refund"


class ClinicSettings(SQLModel, table=True):
    """One row: the clinic's name, timezone and desk policies."""

    __tablename__ = "clinic_settings"

    id: int = Field(default=1, primary_key=True)
    name: str
    timezone: str
    phone_region: str = "US"
    date_order: str = "MDY"
    no_show_grace_minutes: int = 15
    demographics_stale_days: int = 365
    idle_lock_minutes: int = 10
    # added after the first release: the server defaults fill existing rows
    denominations: str = Field(
        default=DEFAULT_DENOMINATIONS,
        sa_column_kwargs={"server_default": DEFAULT_DENOMINATIONS},
    )
    max_payment_cents: int = Field(default=200_000, sa_column_kwargs={"server_default": "200000"})
    variance_tolerance_cents: int = Field(default=100, sa_column_kwargs={"server_default": "100"})
    print_command: str = Field(default="", sa_column_kwargs={"server_default": text("''")})
    long_wait_minutes: int = Field(default=30, sa_column_kwargs={"server_default": "30"})
    late_cancel_hours: int = Field(default=24, sa_column_kwargs={"server_default": "24"})
    is_demo: bool = False
    created_at: datetime


class Staff(SQLModel, table=True):
    """A person who signs in. ``username_key`` is the case-folded NFKC username."""

    __tablename__ = "staff"

    id: int | None = Field(default=None, primary_key=True)
    username: str
    username_key: str = Field(unique=True)
    display_name: str
    role: str = Role.DESK.value
    password_hash: str
    active: bool = True
    failed_attempts: int = 0
    next_attempt_at: datetime | None = None
    locked: bool = False
    created_at: datetime


class SignInThrottle(SQLModel, table=True):
    """Failure counts for usernames that are not an active account.

    Typing a wrong name is slowed down and locked exactly like a wrong password,
    so the answers never tell whether an account exists.
    """

    __tablename__ = "signin_throttle"

    username_key: str = Field(primary_key=True)
    failed_attempts: int = 0
    next_attempt_at: datetime | None = None
    locked: bool = False


class Provider(SQLModel, table=True):
    """A clinician whose schedule the desk books."""

    __tablename__ = "provider"

    id: int | None = Field(default=None, primary_key=True)
    name: str
    short_name: str
    active: bool = True


class AppointmentType(SQLModel, table=True):
    """A kind of visit: its usual length and what the patient must do first."""

    __tablename__ = "appointment_type"

    id: int | None = Field(default=None, primary_key=True)
    name: str
    minutes: int
    prep_instructions: str = ""
    is_new_patient: bool = False
    active: bool = True
    # added with booking (migration 0005)
    overbook: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    early_minutes: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class Patient(SQLModel, table=True):
    """A patient's demographics, insurance and desk flags."""

    __tablename__ = "patient"
    __table_args__ = (
        Index("ix_patient_name", "last_key", "first_key"),
        Index("ix_patient_first", "first_key", "last_key"),
        Index("ix_patient_last2", "last2_key", "first_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mrn: str = Field(unique=True)
    last_name: str
    first_name: str
    middle_name: str = ""
    preferred_name: str = ""
    dob: date = Field(index=True)
    sex: str = ""
    phone_mobile: str = ""
    phone_home: str = ""
    phone_key: str = Field(default="", index=True)
    email: str = ""
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    preferred_language: str = "en"
    interpreter_needed: bool = False
    accessibility_needs: str = ""
    insurance_payer: str = ""
    insurance_member_id: str = ""
    insurance_group: str = ""
    eligibility_verified_on: date | None = None
    demographics_confirmed_on: date | None = None
    consent_on_file_on: date | None = None
    balance_due_cents: int = 0
    last_key: str
    first_key: str
    last2_key: str | None = None
    created_at: datetime
    updated_at: datetime
    version: int = 1


class Appointment(SQLModel, table=True):
    """A booked (or walk-in) visit. ``version`` guards concurrent edits."""

    __tablename__ = "appointment"
    __table_args__ = (
        Index("ix_appointment_start", "start_at"),
        Index("ix_appointment_provider_start", "provider_id", "start_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    provider_id: int = Field(foreign_key="provider.id")
    type_id: int = Field(foreign_key="appointment_type.id")
    start_at: datetime
    minutes: int
    status: str = Status.BOOKED.value
    walk_in: bool = False
    forms_needed: bool = False
    eligibility_checked: bool = False
    authorization_ref: str = ""
    copay_due_cents: int = 0
    notes: str = ""
    cancel_reason: str = ""
    identity_verified_at: datetime | None = None
    identity_verified_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime
    updated_at: datetime
    version: int = 1
    rescheduled_from: int | None = Field(default=None, foreign_key="appointment.id")
    booked_by: int | None = Field(default=None, foreign_key="staff.id")
    confirmed_at: datetime | None = None  # the patient said they will come
    confirmed_by: int | None = Field(default=None, foreign_key="staff.id")


# How a cancellation's reason ends when it came inside the clinic's late-cancel hours.
LATE_CANCELLATION = "(late cancellation)"


class AppointmentEvent(SQLModel, table=True):
    """Append-only history of an appointment's status: who moved it, when, from what."""

    __tablename__ = "appointment_event"

    id: int | None = Field(default=None, primary_key=True)
    appointment_id: int = Field(foreign_key="appointment.id", index=True)
    from_status: str | None = None
    to_status: str
    at: datetime
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    reason: str = ""
    undoes_id: int | None = Field(default=None, foreign_key="appointment_event.id")


class AuditEvent(SQLModel, table=True):
    """Append-only audit trail, hash-chained: each row's hash covers the previous one's."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    action: str = Field(index=True)
    entity: str
    entity_id: int | None = None
    detail: str = "{}"
    origin: str = ""
    prev_hash: str
    hash: str


class DrawerSession(SQLModel, table=True):
    """A clerk's cash drawer for one business day, opened with a counted float."""

    __tablename__ = "drawer_session"

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    business_date: date = Field(index=True)
    opened_at: datetime
    float_cents: int
    float_counts: str = "{}"


class DrawerCount(SQLModel, table=True):
    """One blind count of a drawer: what was counted, what was expected, why it differs.

    A drawer may be counted more than once (a recount); the newest count that is
    accepted (within tolerance, or with a reason) settles it.
    """

    __tablename__ = "drawer_count"

    id: int | None = Field(default=None, primary_key=True)
    drawer_id: int = Field(foreign_key="drawer_session.id", index=True)
    business_date: date
    counted_at: datetime
    counted_by: int = Field(foreign_key="staff.id")
    counts: str = "{}"
    cash_counted_cents: int
    cash_expected_cents: int
    check_count_counted: int
    check_count_expected: int
    check_counted_cents: int
    check_expected_cents: int
    card_counted_cents: int
    card_expected_cents: int
    reason: str = ""
    accepted: bool


class Payment(SQLModel, table=True):
    """Insert-only money row: a payment, or a void/refund pointing at one.

    ``amount_cents`` is always positive; a reversal's ``entry`` says it takes
    money back. Every row has the next receipt number, gap-free.
    """

    __tablename__ = "payment"

    id: int | None = Field(default=None, primary_key=True)
    receipt_no: int = Field(unique=True)
    entry: str = Entry.PAYMENT.value
    business_date: date = Field(index=True)
    at: datetime
    drawer_id: int = Field(foreign_key="drawer_session.id", index=True)
    staff_id: int = Field(foreign_key="staff.id")
    patient_id: int = Field(foreign_key="patient.id", index=True)
    appointment_id: int | None = Field(default=None, foreign_key="appointment.id", index=True)
    kind: str
    tender: str
    amount_cents: int
    tendered_cents: int = 0
    change_cents: int = 0
    check_number: str = ""
    card_last4: str = ""
    card_auth: str = ""
    reverses_id: int | None = Field(default=None, foreign_key="payment.id", index=True)
    reason: str = ""
    approved_by: int | None = Field(default=None, foreign_key="staff.id")
    receipt_text: str = ""


class BillingFlag(SQLModel, table=True):
    """A balance handed to billing with a note; listed at close."""

    __tablename__ = "billing_flag"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    business_date: date = Field(index=True)
    at: datetime
    staff_id: int = Field(foreign_key="staff.id")
    note: str


class DayClose(SQLModel, table=True):
    """A closed business day: its UTC bounds, who closed it and the stored report."""

    __tablename__ = "day_close"

    id: int | None = Field(default=None, primary_key=True)
    business_date: date = Field(index=True)
    start_at: datetime
    end_at: datetime
    closed_at: datetime
    closed_by: int = Field(foreign_key="staff.id")
    forced: bool = False
    reason: str = ""
    report: str = "{}"


class DayReopen(SQLModel, table=True):
    """A closed day opened again by a second supervisor; the close row stays."""

    __tablename__ = "day_reopen"

    id: int | None = Field(default=None, primary_key=True)
    close_id: int = Field(foreign_key="day_close.id", unique=True)
    business_date: date
    at: datetime
    staff_id: int = Field(foreign_key="staff.id")
    reason: str


class CallbackReason(SQLModel, table=True):
    """Why someone called; decides the default queue and how soon it is due.

    ``due_minutes`` counts from when the item is made; ``-1`` means "the same
    day" (by the end of the clinic's day).
    """

    __tablename__ = "callback_reason"

    code: str = Field(primary_key=True)
    label: str
    queue: str = "desk"
    due_minutes: int = 1440
    priority: int = 2
    also_supervisor: bool = False  # complaints show in the supervisors' queue too
    automatic: bool = False  # made by the desk's own rules (no-show, long wait)
    active: bool = True
    position: int = 0


class Callback(SQLModel, table=True):
    """Something a patient asked for, owned by someone, due by a time, open until closed."""

    __tablename__ = "callback"
    __table_args__ = (
        Index("ix_callback_open", "status", "due_at"),
        Index("ix_callback_cause", "cause", unique=True, sqlite_where=text("cause != ''")),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    patient_id: int | None = Field(default=None, foreign_key="patient.id", index=True)
    caller_name: str = ""
    phone: str = ""
    reason: str = Field(foreign_key="callback_reason.code")
    priority: int = 2
    due_at: datetime
    owner_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    owner_queue: str = "desk"
    notes: str = ""
    reference: str = ""
    status: str = "open"
    outcome: str = ""
    outcome_note: str = ""
    closed_at: datetime | None = None
    closed_by: int | None = Field(default=None, foreign_key="staff.id")
    cause: str = ""  # automatic items: "no-show:<appointment id>", "long-wait:<id>"
    version: int = 1


class CallbackAttempt(SQLModel, table=True):
    """One try at reaching the caller (append-only)."""

    __tablename__ = "callback_attempt"

    id: int | None = Field(default=None, primary_key=True)
    callback_id: int = Field(foreign_key="callback.id", index=True)
    at: datetime
    staff_id: int = Field(foreign_key="staff.id")
    result: str
    next_try_at: datetime | None = None


from frontdesk.data.models_booking import (  # noqa: E402  (registered with the rest)
    Blockout,
    BreakTime,
    Holiday,
    ProviderDelay,
    TypeProvider,
    WaitlistEntry,
    WorkingHours,
)

__all__ = [
    "Blockout",
    "BreakTime",
    "Holiday",
    "ProviderDelay",
    "TypeProvider",
    "WaitlistEntry",
    "WorkingHours",
]
