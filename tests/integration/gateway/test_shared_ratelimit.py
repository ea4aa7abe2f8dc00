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


def test_leased_tokens_never_exceed_the_shared_budget(gateway_schema):
    """Issue 16: with a large burst a replica takes tokens in leases (one statement for
    several requests); two replicas together still get exactly the burst."""
    first = ratelimit.SharedBuckets(gateway_schema, rate=0.01, burst=90)
    second = ratelimit.SharedBuckets(gateway_schema, rate=0.01, burst=90)
    assert first.lease == 3
    answers = [(first if i % 2 else second).take("client-l") for i in range(120)]
    assert answers.count(0.0) == 90
    assert all(wait > 0 for wait in answers[90:])
    with gateway_schema.transaction() as cur:  # 30 statements took the 90 tokens, not 90
        cur.execute("SELECT extract(epoch FROM tat - clock_timestamp()) FROM rate_limits"
                    " WHERE key = 'client-l'")
        assert 8900 <= cur.fetchone()[0] <= 9000  # 90 tokens of 100 s each


def test_a_lease_is_spent_in_the_process_and_expires(gateway_schema):
    limiter = ratelimit.SharedBuckets(gateway_schema, rate=0.01, burst=60)
    assert limiter.lease == 2
    assert limiter.take("client-e") == 0.0  # leased 2 in one statement, spent 1
    assert limiter._spend_leased("client-e") is True  # the second, without the database
    assert limiter._spend_leased("client-e") is False  # the lease is spent
    limiter._leases["client-e"] = (1, 0.0)  # a lease whose time is up, a token unspent
    assert limiter._spend_leased("client-e") is False
