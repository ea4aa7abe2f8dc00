"""The store's appends of a few events run a statement prepared once per connection (issue
16): what they store must not depend on it, across rollbacks, conflicts and schemas."""

from __future__ import annotations

import pytest

from eventkit import db, migrate, store
from eventkit.aggregate import NewEvent
from eventkit.errors import ConcurrencyConflict
from eventkit.store import EventStore
from tests.integration.eventkit.model import registry
from tests.support.schemas import drop_schema


def one(by: int) -> list[NewEvent]:
    return [NewEvent("CounterIncremented", {"by": by})]


def prepared(cur) -> dict[str, int]:
    cur.execute("SELECT name, generic_plans + custom_plans FROM pg_prepared_statements")
    return dict(cur.fetchall())


def test_a_connection_prepares_once_and_keeps_appending_after_rollbacks_and_conflicts(
        dsn, kit_schema):
    es = EventStore(kit_schema, registry)
    conn = db.connect(dsn, kit_schema)
    try:
        with conn.cursor() as cur:
            first = es.append(cur, "c-1", 0, one(1), {})
        conn.commit()
        with conn.cursor() as cur:  # an append rolled back: its statement stays prepared
            es.append(cur, "c-2", 0, one(2), {})
        conn.rollback()
        with conn.cursor() as cur, pytest.raises(ConcurrencyConflict):
            es.append(cur, "c-1", 0, one(3), {})  # stale version: the prepared insert fails
        conn.rollback()
        with conn.cursor() as cur:
            later = es.append(cur, "c-1", 1, one(4), {})
            stored = es.read_stream(cur, "c-1")
            statements = prepared(cur)
        conn.commit()
    finally:
        conn.close()
    assert [e["data"]["by"] for e in stored] == [1, 4]
    assert later[0]["position"] > first[0]["position"]
    name = store._prepared_name(kit_schema, 1)
    assert statements.get(name) == 4  # prepared once, executed by all four appends


def test_each_schema_and_size_has_its_statement_and_large_batches_are_not_prepared(dsn):
    schemas = [f"kit_prep_{n}" for n in range(2)]
    for schema in schemas:
        drop_schema(dsn, schema)
        migrate.migrate("kit", dsn, schema)
    conn = db.connect(dsn, "public")
    try:
        big = store.PREPARED_UP_TO + 1
        with conn.cursor() as cur:
            for n, schema in enumerate(schemas):
                es = EventStore(schema, registry)
                es.append(cur, "s", 0, one(n), {})
                es.append(cur, "s", 1, one(n) * 2, {})
                es.append(cur, "many", 0, one(n) * big, {})
            conn.commit()
            heads = []
            for schema in schemas:
                cur.execute(f'SELECT position, stream_id, version, data FROM "{schema}".events'
                            " ORDER BY position")
                heads.append(cur.fetchall())
            statements = prepared(cur)
    finally:
        conn.close()
        for schema in schemas:
            drop_schema(dsn, schema)
    for n, rows in enumerate(heads):
        assert [(r[1], r[2]) for r in rows[:3]] == [("s", 1), ("s", 2), ("s", 3)]
        assert [r[2] for r in rows[3:]] == list(range(1, big + 1))
        positions = [r[0] for r in rows]
        assert positions == list(range(positions[0], positions[0] + 3 + big))
        assert {r[3]["by"] for r in rows} == {n}
    for schema in schemas:
        assert store._prepared_name(schema, 1) in statements
        assert store._prepared_name(schema, 2) in statements
        assert store._prepared_name(schema, big) not in statements
    assert len({store._prepared_name(s, 1) for s in schemas}) == 2


def test_behind_a_transaction_pooler_nothing_is_prepared(dsn, kit_schema, monkeypatch):
    """STORE_PREPARED_UP_TO=0 (docs/operations.md): every append is sent as text."""
    monkeypatch.setattr(store, "PREPARED_UP_TO", 0)
    es = EventStore(kit_schema, registry)
    conn = db.connect(dsn, kit_schema)
    try:
        with conn.cursor() as cur:
            envs = es.append(cur, "text-only", 0, one(1) * 2, {})
            statements = prepared(cur)
        conn.commit()
    finally:
        conn.close()
    assert [e["version"] for e in envs] == [1, 2]
    assert statements == {}
