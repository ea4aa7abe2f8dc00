"""Migrations cannot drift (issue 10, point 6): an applied migration whose file changed is
refused with a clear message; migrations applied before checksums were kept get theirs."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from eventkit import db, migrate


@pytest.fixture
def own(dsn, tmp_path, monkeypatch):
    """A schema migrated from a folder of this test's own."""
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "001_things.sql").write_text("CREATE TABLE things (id int PRIMARY KEY);\n")
    monkeypatch.setattr(migrate, "migration_dirs", lambda service: [("t", folder)])
    schema = f"mig_{uuid.uuid4().hex[:10]}"
    yield schema, folder
    conn = db.connect(dsn, "public")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    conn.close()


def recorded(dsn: str, schema: str) -> dict[str, str | None]:
    conn = db.connect(dsn, schema)
    with conn.cursor() as cur:
        cur.execute("SELECT name, checksum FROM schema_migrations")
        rows = dict(cur.fetchall())
    conn.close()
    return rows


def test_a_changed_applied_migration_is_refused_with_a_clear_message(dsn, own):
    schema, folder = own
    assert migrate.migrate("t", dsn, schema) == ["t/001_things.sql"]
    (folder / "001_things.sql").write_text("CREATE TABLE things (id bigint PRIMARY KEY);\n")
    (folder / "002_more.sql").write_text("CREATE TABLE more (id int);\n")
    with pytest.raises(migrate.MigrationChanged, match="t/001_things.sql") as info:
        migrate.migrate("t", dsn, schema)
    assert "never edited" in str(info.value)
    assert set(recorded(dsn, schema)) == {"t/001_things.sql"}  # nothing after it applied


def test_checksums_are_backfilled_for_migrations_applied_before_them(dsn, own):
    schema, folder = own
    migrate.migrate("t", dsn, schema)
    conn = db.connect(dsn, schema)
    with conn.cursor() as cur:  # as a database migrated by the code before checksums
        cur.execute("UPDATE schema_migrations SET checksum = NULL")
    conn.commit()
    conn.close()
    assert migrate.migrate("t", dsn, schema) == []
    assert recorded(dsn, schema) == {
        "t/001_things.sql": migrate.checksum(Path(folder / "001_things.sql"))}

