"""The gateway's rate limit shared by its replicas (PostgreSQL, gateway.rate_limits)."""

from __future__ import annotations

import threading
import uuid

import pytest

from eventkit import db, migrate
from gateway import ratelimit


@pytest.fixture
def gateway_schema(dsn):
    schema = f"gw_{uuid.uuid4().hex[:10]}"
    migrate.migrate("gateway", dsn, schema)
    pool = db.Pool(dsn, schema, size=4)
    yield pool
    pool.close()
    conn = db.connect(dsn, "public")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    conn.close()


def test_replicas_share_one_budget_per_client(gateway_schema):
    # two gateway replicas: two limiters, one table
    first = ratelimit.SharedBuckets(gateway_schema, rate=0.01, burst=5)
    second = ratelimit.SharedBuckets(gateway_schema, rate=0.01, burst=5)
    answers = [(first if i % 2 else second).take("client-a") for i in range(8)]
    assert answers[:5] == [0.0] * 5
    assert all(wait > 0 for wait in answers[5:])
    assert 90 <= answers[-1] <= 100  # one token back after 1/rate = 100 s
    assert first.take("client-b") == 0.0  # another client has its own budget


def test_concurrent_takes_never_exceed_the_burst(gateway_schema):
    limiters = [ratelimit.SharedBuckets(gateway_schema, rate=0.01, burst=20) for _ in range(4)]
    allowed: list[float] = []
    lock = threading.Lock()

    def hammer(limiter: ratelimit.SharedBuckets) -> None:
        for _ in range(15):
            wait = limiter.take("flood")
            with lock:
                allowed.append(wait)

    threads = [threading.Thread(target=hammer, args=(lim,)) for lim in limiters]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(allowed) == 60
    assert allowed.count(0.0) == 20


def test_without_the_database_a_process_falls_back_to_its_own_buckets(dsn):
    pool = db.Pool("postgresql://postgres@127.0.0.1:1/none", "gateway", size=1)
    limiter = ratelimit.SharedBuckets(pool, rate=0.01, burst=2)
    assert [limiter.take("k") == 0.0 for _ in range(3)] == [True, True, False]
