"""Table maintenance (`eventkit.maintenance`) on the real PostgreSQL: a table filled after its
creation is analysed, one with many dead rows vacuumed, one with neither left alone, and
only one process of a schema works at a time."""

from __future__ import annotations

import psycopg2
import pytest

from eventkit import db, maintenance
from tests.conftest import wait_until


@pytest.fixture
def pool(dsn, kit_schema):
    p = db.Pool(dsn, kit_schema, size=2)
    with p.transaction() as cur:
        cur.execute("CREATE TABLE filled (id int PRIMARY KEY, v text)")
        cur.execute("CREATE TABLE churned (id int PRIMARY KEY, n int)")
        cur.execute("CREATE TABLE quiet (id int PRIMARY KEY)")
        cur.execute("INSERT INTO churned SELECT g, 0 FROM generate_series(1, 100) g")
    with p.transaction() as cur:
        cur.execute("ANALYZE churned")
    yield p
    p.close()


def states(pool, schema):
    with pool.transaction() as cur:
        return {t.name: t for t in maintenance.table_states(cur, schema)}


def test_a_filled_table_is_analysed_and_a_churned_one_vacuumed(pool, kit_schema):
    with pool.transaction() as cur:
        cur.execute("INSERT INTO filled SELECT g, 'x' FROM generate_series(1, 1000) g")
    for _ in range(10):  # 1,000 dead row versions of 100 live rows, less what pruning took
        with pool.transaction() as cur:
            cur.execute("UPDATE churned SET n = n + 1")
    # the server's statistics arrive within a second or so of the commits
    wait_until(lambda: states(pool, kit_schema)["churned"].vacuum_due
               and states(pool, kit_schema)["filled"].modified >= 1000,
               message="the table statistics of the writes")
    assert states(pool, kit_schema)["filled"].analyse_due
    done = maintenance.run_once(pool, kit_schema, always=True)
    assert "analyze filled" in done
    assert "vacuum churned" in done
    assert not any(item.endswith(" quiet") for item in done)
    with pool.transaction() as cur:
        cur.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                    (f'"{kit_schema}".filled',))
        assert cur.fetchone()[0] == 1000  # the planner now knows the table's size
    wait_until(lambda: not states(pool, kit_schema)["churned"].vacuum_due,
               message="the vacuumed table's dead rows reported gone")
    # a second round finds nothing due
    wait_until(lambda: not states(pool, kit_schema)["filled"].analyse_due,
               message="the analysed table no longer due")
    assert maintenance.run_once(pool, kit_schema, always=True) == []


def test_one_process_of_a_schema_at_a_time(pool, kit_schema, dsn):
    with pool.transaction() as cur:
        cur.execute("INSERT INTO filled SELECT g, 'x' FROM generate_series(1, 1000) g")
    holder = psycopg2.connect(dsn)
    holder.autocommit = True
    try:
        with holder.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(hashtext(%s))", (f"maintenance:{kit_schema}",))
        assert maintenance.run_once(pool, kit_schema, always=True) == []
    finally:
        holder.close()
    wait_until(lambda: states(pool, kit_schema)["filled"].modified >= 1000,
               message="the table statistics of the insert")
    assert "analyze filled" in maintenance.run_once(pool, kit_schema, always=True)


def test_the_rounds_leave_the_work_to_the_servers_autovacuum_when_it_runs(
        pool, kit_schema, monkeypatch):
    with pool.transaction() as cur:
        cur.execute("INSERT INTO filled SELECT g, 'x' FROM generate_series(1, 1000) g")
    wait_until(lambda: states(pool, kit_schema)["filled"].analyse_due,
               message="the table statistics of the insert")
    monkeypatch.setattr(maintenance, "autovacuum_on", lambda cur: True)
    assert maintenance.run_once(pool, kit_schema) == []
    monkeypatch.setattr(maintenance, "autovacuum_on", lambda cur: False)
    assert "analyze filled" in maintenance.run_once(pool, kit_schema)
