"""Waiting for a platform to be idle between benchmarks (`make bench` runs them in a row)."""

from __future__ import annotations

import time


def settle(dsn: str | None, deadline_s: float = 300.0) -> str:
    """Wait until the platform has worked off what earlier benchmarks left (`make bench` runs
    this right after 4,000 commands): every service's relay has published its events, every
    tracking consumer (the services' and the gateway's feed) has applied its sources' events,
    and `departments.outbound` has published the feed. Under that backlog the processes
    spend the cores on it, and a dashboard answer misses its cache on every new event: a
    measure of the backlog rather than of the endpoint."""
    if not dsn:
        return "not checked (no BENCH_DSN)"
    import psycopg2

    from deploy.services import SERVICES

    started = time.monotonic()
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            while True:
                behind = []
                heads = {}
                for service in SERVICES:
                    cur.execute(f'SELECT coalesce(max(position), 0) FROM "{service}".events')
                    heads[service] = cur.fetchone()[0]
                    cur.execute(f'SELECT coalesce(max(position), 0) FROM "{service}".'
                                "relay_checkpoint")
                    if cur.fetchone()[0] < heads[service]:
                        behind.append(f"{service} relay")
                for schema in (*SERVICES, "gateway"):
                    cur.execute(f'SELECT consumer, source, position FROM "{schema}".tracking')
                    behind += [f"{consumer} from {source}"
                               for consumer, source, position in cur.fetchall()
                               if source in heads and position < heads[source]]
                cur.execute("SELECT coalesce(max(position), 0) FROM gateway.feed")
                feed_head = cur.fetchone()[0]
                cur.execute("SELECT coalesce(max(position), 0) FROM gateway.outbound_checkpoint")
                if cur.fetchone()[0] < feed_head:
                    behind.append("departments.outbound")
                waited = time.monotonic() - started
                if not behind:
                    return f"platform settled after {waited:.1f} s"
                if waited > deadline_s:
                    return f"still behind after {waited:.0f} s: {', '.join(behind)}"
                time.sleep(0.5)
    finally:
        conn.close()


def analyze(dsn: str) -> str:
    """VACUUM ANALYZE the instance's database: the demo has just bulk-loaded its tables, and
    until autovacuum gets to them the planner works from no statistics (and autovacuum's
    own passes land in the middle of the first benchmark). A database in service has both."""
    import psycopg2

    started = time.monotonic()
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("VACUUM (ANALYZE)")
    finally:
        conn.close()
    return f"database vacuumed and analyzed in {time.monotonic() - started:.1f} s"


if __name__ == "__main__":
    import os
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    dsn = os.environ.get("BENCH_DSN") or os.environ["DATABASE_URL"]
    print(analyze(dsn), flush=True)
    print(settle(dsn), flush=True)
    sys.exit(0)
