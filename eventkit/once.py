"""Once per period across replicas: a timer claims (name, period) in `timer_runs` first.

Every replica of a service runs its nameko timers; work that must happen once per period
(org's daily over-age run) inserts its row and runs only when the insert succeeded. A
replica killed after claiming leaves the period done-but-unfinished; such work must be
idempotent and catch up in the next period (the over-age run takes everything due up to
its day, so the next day's run covers a lost one).
"""

from __future__ import annotations

import os
import socket

from eventkit.db import Pool


def claim(pool: Pool, name: str, period: str) -> bool:
    """True for exactly one caller per (name, period) across every process of the schema."""
    with pool.transaction() as cur:
        cur.execute("INSERT INTO timer_runs (name, period, claimed_by) VALUES (%s, %s, %s)"
                    " ON CONFLICT DO NOTHING RETURNING 1",
                    (name, period, f"{socket.gethostname()}:{os.getpid()}"))
        return cur.fetchone() is not None
