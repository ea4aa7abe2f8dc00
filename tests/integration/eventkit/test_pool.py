"""The pool keeps to its maximum and never makes a caller wait for ever (issue 10, point 1)."""

from __future__ import annotations

import threading

import pytest

from eventkit import db


def test_a_pool_never_opens_more_than_its_maximum(dsn):
    pool = db.Pool(dsn, "public", size=3, wait=10, application_name="pool-test-max")
    seen: list[int] = []
    inside = threading.Semaphore(0)
    release = threading.Event()

    def hold() -> None:
        with pool.transaction() as cur:
            cur.execute("SELECT 1")
            seen.append(pool.held()["in_use"])
            inside.release()
            release.wait(20)

    threads = [threading.Thread(target=hold, daemon=True) for _ in range(6)]
    for t in threads:
        t.start()
    for _ in range(3):
        assert inside.acquire(timeout=20)
    assert pool.held() == {"open": 3, "in_use": 3, "max": 3}
    assert not inside.acquire(timeout=0.5)  # the other three wait for a free connection
    release.set()
    for t in threads:
        t.join(timeout=20)
    assert not any(t.is_alive() for t in threads)
    assert max(seen) == 3 and len(seen) == 6
    assert pool.held()["open"] <= 3
    pool.close()


def test_a_caller_waits_a_bounded_time_for_a_busy_pool(dsn):
    pool = db.Pool(dsn, "public", size=1, wait=0.2)
    with pool.connection(), pytest.raises(db.PoolExhausted, match="1 connections"):
        with pool.connection():
            pass
    with pool.transaction() as cur:  # the slot is free again
        cur.execute("SELECT 1")
    pool.close()
