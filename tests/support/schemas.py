"""Schemas the tests create on the test database, and their removal."""

from __future__ import annotations

from eventkit import db


def drop_schema(dsn: str, schema: str) -> None:
    """Drop a test's schema and the one a rebuild may have left beside it."""
    conn = db.connect(dsn, "public")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        cur.execute(f'DROP SCHEMA IF EXISTS "{schema}_rebuild" CASCADE')
    conn.close()
