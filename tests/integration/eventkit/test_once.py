"""Timers that fire once per period across replicas (eventkit.once)."""

from __future__ import annotations

import threading

from eventkit import db, once


def test_one_claim_per_period_across_concurrent_replicas(dsn, kit_schema):
    pools = [db.Pool(dsn, kit_schema, size=1) for _ in range(3)]
    wins: list[bool] = []
    lock = threading.Lock()

    def replica(pool: db.Pool) -> None:
        for _ in range(5):  # each replica's timer ticks several times that day
            won = once.claim(pool, "age_out", "2026-11-30")
            with lock:
                wins.append(won)

    threads = [threading.Thread(target=replica, args=(p,)) for p in pools]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wins.count(True) == 1
    assert once.claim(pools[0], "age_out", "2026-12-01")  # the next day is a new period
    assert once.claim(pools[1], "other_timer", "2026-11-30")  # and another timer its own
    for p in pools:
        p.close()
