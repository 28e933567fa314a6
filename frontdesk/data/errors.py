"""Domain errors: each carries a message a desk clerk understands."""

from __future__ import annotations


class FrontDeskError(Exception):
    """Base class: ``str(error)`` is the clerk-readable message."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class InvalidInput(FrontDeskError):
    """A value typed at a field cannot be accepted; ``field`` names the field."""


class NotFound(FrontDeskError):
    """The record asked for does not exist (any more)."""


class PatientNotFound(NotFound):
    """No patient with that id or MRN."""


class AppointmentNotFound(NotFound):
    """No appointment with that id."""


class TransitionRefused(FrontDeskError):
    """An appointment status change that is not allowed now."""


class StaleRecord(FrontDeskError):
    """Someone else saved the record after it was read; nothing was overwritten."""


class DuplicatePatient(FrontDeskError):
    """Creating this patient looks like a duplicate; the candidates are attached."""

    def __init__(self, message: str, candidates: list[object]) -> None:
        super().__init__(message)
        self.candidates = candidates


class SignInFailed(FrontDeskError):
    """Wrong username or password (never says which)."""


class SignInThrottled(FrontDeskError):
    """Too many failed attempts: wait, or the account is locked."""

    def __init__(self, message: str, wait_seconds: int) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class PermissionDenied(FrontDeskError):
    """The signed-in role may not do this."""


class DatabaseBusy(FrontDeskError):
    """Another terminal held the database too long; nothing was saved."""


class SetupError(FrontDeskError):
    """The database is missing, already set up, or cannot be opened."""


class DayClosed(FrontDeskError):
    """The business day is closed: nothing touching it can change."""


class DayBlocked(FrontDeskError):
    """The day cannot close yet; ``blockers`` lists what is unfinished."""

    def __init__(self, message: str, blockers: list[object]) -> None:
        super().__init__(message)
        self.blockers = blockers


class ApprovalRefused(FrontDeskError):
    """A supervisor's approval was not given (wrong person, role or password)."""
