"""Search keys for letters Unicode does not decompose (Ø, Æ, Ł, ...)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from frontdesk.data import schema
from frontdesk.data.db import make_engine, write_session
from frontdesk.data.models import Patient
from frontdesk.data.search import search
from tests.conftest import NOW, Clinic


def test_letters_without_accents_fold_like_a_us_keyboard(clinic: Clinic) -> None:
    clinic.add_patient("Øvergaard", "Ingrid")
    clinic.add_patient("Szymański", "Łukasz")
    assert [h.display_name for h in search(clinic.engine, "overg")] == ["Øvergaard, Ingrid"]
    assert [h.display_name for h in search(clinic.engine, "szym, luk")] == ["Szymański, Łukasz"]


def test_upgrading_recomputes_the_keys_of_such_names(db_path: Path) -> None:
    engine = make_engine(db_path)
    schema.upgrade(engine, "0002")
    with write_session(engine) as session:  # keys as the 0002 code folded them
        session.add(
            Patient(
                mrn="000001",
                last_name="Øvergaard",
                first_name="Ingrid",
                dob=date(1970, 1, 1),
                last_key="øvergaard",
                first_key="ingrid",
                created_at=NOW,
                updated_at=NOW,
            )
        )
    schema.upgrade(engine)
    with engine.connect() as conn:
        key = conn.exec_driver_sql("SELECT last_key FROM patient").scalar()
        conn.rollback()
    engine.dispose()
    assert key == "overgaard"
