"""The schema revision this code expects, readable without loading Alembic.

A test checks it equals the newest migration, so it cannot drift.
"""

HEAD = "0005"
