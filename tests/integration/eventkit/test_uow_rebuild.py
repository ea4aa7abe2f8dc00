"""Unit of work, command idempotency, projections and rebuild (RELIABILITY.md E4)."""

from __future__ import annotations

import psycopg2.extensions
import pytest

from eventkit import db
from eventkit.errors import RuleViolation
from eventkit.rebuild import rebuild, table_digest
from eventkit.store import EventStore
from eventkit.uow import UnitOfWork
from tests.integration.eventkit.model import COUNTERS_DDL, Counter, projector, registry


@pytest.fixture
def uow(dsn, kit_schema):
    pool = db.Pool(dsn, kit_schema, size=4)
    with pool.transaction() as cur:
        cur.execute(COUNTERS_DDL)
    yield UnitOfWork(pool, EventStore(kit_schema, registry), [projector], "kit")
    pool.close()


def increment(counter_id: str, by: int):
    def handle(tx):
        counter = tx.load(Counter, counter_id)
        counter.increment(by)
        return {"value": counter.value}

    return handle


def test_events_and_read_model_commit_together(uow):
    assert uow.run(increment("a", 2), metadata={"actor": "tester"}) == {"value": 2}
    assert uow.run(increment("a", 3)) == {"value": 5}
    value = uow.read(lambda cur: (cur.execute("SELECT value FROM counters WHERE id='a'"),
                                  cur.fetchone()[0])[1])
    assert value == 5
    with uow.pool.transaction() as cur:
        [first, _] = uow.store.read_stream(cur, "counter-a")
    assert first["metadata"]["actor"] == "tester" and first["metadata"]["source"] == "kit"


def test_a_refused_command_stores_nothing(uow):
    uow.run(increment("b", 1))
    with pytest.raises(RuleViolation):
        uow.run(increment("b", -1))
    with uow.pool.transaction() as cur:
        assert len(uow.store.read_stream(cur, "counter-b")) == 1


def test_a_failing_projection_rolls_back_the_events(uow):
    def handle(tx):
        counter = tx.load(Counter, "c")
        counter.increment(1)
        tx.cur.execute("DROP TABLE counters")  # the projection will fail
        return {}

    with pytest.raises(Exception):  # noqa: B017 - psycopg2 UndefinedTable
        uow.run(handle)
    with uow.pool.transaction() as cur:
        assert uow.store.head(cur) == 0
        cur.execute("SELECT count(*) FROM counters")
        assert cur.fetchone()[0] == 0


def test_a_retried_command_id_returns_the_first_result_and_changes_nothing(uow):
    first = uow.run(increment("d", 4), command_id="cmd-1")
    again = uow.run(increment("d", 4), command_id="cmd-1")
    assert first == again == {"value": 4}
    with uow.pool.transaction() as cur:
        assert len(uow.store.read_stream(cur, "counter-d")) == 1


def test_rebuilt_read_models_equal_the_live_ones(uow, dsn, kit_schema):
    for i in range(300):
        uow.run(increment(f"r{i % 17}", i % 5 + 1))
    with uow.pool.transaction() as cur:
        live = table_digest(cur, kit_schema, "counters")
        cur.execute("UPDATE counters SET value = -1 WHERE id = 'r3'")  # damage the live table
        damaged = table_digest(cur, kit_schema, "counters")
    assert damaged != live
    result = rebuild(dsn, kit_schema, uow.store, [projector])
    assert result["position"] == 300
    with uow.pool.transaction() as cur:
        assert table_digest(cur, kit_schema, "counters") == live
    # and the service keeps writing to the swapped-in table
    uow.run(increment("r3", 1))
    with uow.pool.transaction() as cur:
        cur.execute("SELECT last_position FROM counters WHERE id = 'r3'")
        assert cur.fetchone()[0] == 301


def test_the_answer_is_read_in_the_commands_own_transaction(uow):
    def value_of(counter_id):
        def read(cur, result):
            cur.execute("SELECT value FROM counters WHERE id = %s", (counter_id,))
            return {"result": result, "projected": cur.fetchone()[0]}
        return read

    # the projection is visible to `then` before the commit
    assert uow.run(increment("t", 2), command_id="cmd-t", then=value_of("t")) == \
        {"result": {"value": 2}, "projected": 2}
    # a command id seen before: `then` gets the stored result, nothing is appended
    assert uow.run(increment("t", 2), command_id="cmd-t", then=value_of("t")) == \
        {"result": {"value": 2}, "projected": 2}

    def failing(cur, result):
        raise RuleViolation("the answer could not be read")

    # the answer is part of the transaction: when it fails, the command is not recorded
    with pytest.raises(RuleViolation):
        uow.run(increment("t", 5), command_id="cmd-t2", then=failing)
    with uow.pool.transaction() as cur:
        assert len(uow.store.read_stream(cur, "counter-t")) == 1
        cur.execute("SELECT count(*) FROM commands WHERE command_id = 'cmd-t2'")
        assert cur.fetchone()[0] == 0


def test_a_read_in_autocommit_sends_no_begin_and_leaves_the_pool_transactional(uow):
    uow.run(increment("ac", 3))

    def read(cur):
        cur.execute("SELECT value FROM counters WHERE id = 'ac'")
        # outside any transaction block: the statement was its own transaction
        return cur.fetchone()[0], cur.connection.info.transaction_status

    value, status = uow.read(read, autocommit=True)
    assert value == 3
    assert status == psycopg2.extensions.TRANSACTION_STATUS_IDLE
    # the connection goes back to the pool in its usual mode: the next read is a transaction
    assert uow.read(lambda cur: (cur.execute("SELECT 1"),
                                 cur.connection.info.transaction_status)[1]) == \
        psycopg2.extensions.TRANSACTION_STATUS_INTRANS
