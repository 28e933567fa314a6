"""Providers and appointment types, as plain values for pickers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from frontdesk.data.db import read_session
from frontdesk.data.models import AppointmentType, Provider


@dataclass(frozen=True)
class Choice:
    """An id and the name shown for it."""

    id: int
    name: str
    minutes: int = 0


def providers(engine: Engine) -> list[Choice]:
    """Active providers by short name."""
    with read_session(engine) as session:
        rows = session.exec(
            select(Provider).where(col(Provider.active)).order_by(col(Provider.short_name))
        ).all()
        return [Choice(p.id, p.short_name) for p in rows if p.id is not None]


def appointment_types(engine: Engine) -> list[Choice]:
    """Active visit types by name."""
    with read_session(engine) as session:
        rows = session.exec(
            select(AppointmentType)
            .where(col(AppointmentType.active))
            .order_by(col(AppointmentType.name))
        ).all()
        return [Choice(t.id, t.name, t.minutes) for t in rows if t.id is not None]
