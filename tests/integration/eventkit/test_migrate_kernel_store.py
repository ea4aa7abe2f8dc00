"""The kernel's store migrations live once (issue 11): the gateway's own event store takes
eventkit's 004 and 005 through `gateway/migrations/kernel_migrations.txt` instead of its
former copy (gateway/007_event_store_appends.sql), on a fresh database and on one where that
copy was applied."""

from __future__ import annotations

import uuid

import pytest

from eventkit import db, migrate

COPIED = ["eventkit/004_concurrent_appends.sql", "eventkit/005_notify_after_commit.sql"]
# 006 came after the gateway's copy was gone: it has none
APPENDS = [*COPIED, "eventkit/006_append_table_lock.sql"]
COPY = "gateway/007_event_store_appends.sql"


@pytest.fixture
def gw_schema(dsn):
    schema = f"gwm_{uuid.uuid4().hex[:10]}"
    yield schema
    conn = db.connect(dsn, "public")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    conn.close()


def query(dsn: str, schema: str, sql: str, args: tuple = ()) -> list[tuple]:
    conn = db.connect(dsn, schema)
    with conn.cursor() as cur:
        cur.execute(sql, args)
        rows = cur.fetchall() if cur.description else []
    conn.commit()
    conn.close()
    return rows


def store_objects(dsn: str, schema: str) -> dict[str, int]:
    """How many of each object the appends' migrations make the schema holds."""
    counts = {}
    for fn in ("reserve_positions", "settled_below"):
        counts[fn] = query(dsn, schema, "SELECT count(*) FROM pg_proc p JOIN pg_namespace n"
                           " ON n.oid = p.pronamespace WHERE n.nspname = %s AND proname = %s",
                           (schema, fn))[0][0]
    counts["events_xid_high"] = query(
        dsn, schema, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid ="
        " c.relnamespace WHERE n.nspname = %s AND relname = 'events_xid_high'", (schema,))[0][0]
    counts["horizon"] = query(
        dsn, schema, "SELECT count(*) FROM information_schema.columns WHERE table_schema = %s"
        " AND table_name = 'events' AND column_name = 'horizon'", (schema,))[0][0]
    return counts


def recorded(dsn: str, schema: str) -> list[str]:
    return [r[0] for r in query(dsn, schema, "SELECT name FROM schema_migrations ORDER BY name")]


def test_a_fresh_gateway_store_takes_the_kernel_appends_after_its_own_migrations(dsn, gw_schema):
    applied = migrate.migrate("gateway", dsn, gw_schema)
    assert applied[-len(APPENDS):] == APPENDS  # after gateway/004 made the store
    assert [name for name in applied if name.startswith("eventkit/")] == APPENDS
    assert COPY not in applied
    assert store_objects(dsn, gw_schema) == {"reserve_positions": 1, "settled_below": 1,
                                             "events_xid_high": 1, "horizon": 1}
    assert migrate.migrate("gateway", dsn, gw_schema) == []


def test_a_gateway_store_where_its_copy_was_applied_records_the_kernel_files_only(
        dsn, gw_schema):
    migrate.migrate("gateway", dsn, gw_schema)
    # as a database migrated while the gateway had its own copy: the objects are there,
    # recorded under the copy's name
    query(dsn, gw_schema, "DELETE FROM schema_migrations WHERE name = ANY(%s)", (COPIED,))
    query(dsn, gw_schema, "INSERT INTO schema_migrations (name, checksum) VALUES (%s, 'x')",
          (COPY,))
    assert migrate.migrate("gateway", dsn, gw_schema) == []  # nothing run again
    assert set(APPENDS) | {COPY} <= set(recorded(dsn, gw_schema))
    checksums = dict(query(dsn, gw_schema, "SELECT name, checksum FROM schema_migrations"))
    assert checksums[APPENDS[0]] == migrate.checksum(migrate.KERNEL_DIR / APPENDS[0][9:])
    assert store_objects(dsn, gw_schema) == {"reserve_positions": 1, "settled_below": 1,
                                             "events_xid_high": 1, "horizon": 1}
    assert migrate.migrate("gateway", dsn, gw_schema) == []


def test_a_service_schema_still_takes_every_kernel_migration_first():
    files, copies = migrate.migration_files("org")
    names = [name for name, _ in files]
    kernel = sorted(p.name for p in migrate.KERNEL_DIR.glob("*.sql"))
    assert names[:len(kernel)] == [f"eventkit/{name}" for name in kernel]
    assert all(name.startswith("org/") for name in names[len(kernel):])
    assert copies == {}
