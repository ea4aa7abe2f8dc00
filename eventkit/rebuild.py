"""Rebuild a service's read models from its events into fresh tables, then swap them in.

The replay runs while the service keeps writing; the final catch-up and the swap happen in
one transaction holding the append lock, so no event is missed and readers see either the
old tables or the new ones. Read-model tables must not own sequences (no serial columns):
their structure is copied with `LIKE ... INCLUDING ALL`.

`python -m deploy.rebuild <service>` is its command line.
"""

from __future__ import annotations

from eventkit import db
from eventkit.projection import Projector
from eventkit.store import EventStore


def table_digest(cur, schema: str, table: str) -> str:
    """md5 over all rows in a canonical order: equal digests mean equal tables."""
    cur.execute(
        f'SELECT md5(coalesce(string_agg(t::text, E\'\\n\' ORDER BY t::text), \'\'))'
        f' FROM "{schema}"."{table}" t'
    )
    return cur.fetchone()[0]


def rebuild(dsn: str, schema: str, store: EventStore, projectors: list[Projector],
            batch: int = 2000) -> dict[str, int]:
    tables = [t for p in projectors for t in p.tables]
    tmp = f"{schema}_rebuild"
    conn = db.connect(dsn, schema, statement_timeout_ms=0)
    try:
        with conn.cursor() as cur:
            cur.execute(f'DROP SCHEMA IF EXISTS "{tmp}" CASCADE')
            cur.execute(f'CREATE SCHEMA "{tmp}"')
            for t in tables:
                cur.execute(f'CREATE TABLE "{tmp}"."{t}" (LIKE "{schema}"."{t}" INCLUDING ALL)')
            cur.execute(f'SET search_path TO "{tmp}", "{schema}", public')
        conn.commit()

        def replay(cur, after: int, final: bool) -> int:
            while True:
                # the final catch-up holds the append lock: no append is open, every
                # committed event is read
                events = store.read_feed(cur, after, batch, settled=not final)
                for env in events:
                    for p in projectors:
                        p.apply(cur, env)
                if events:
                    after = events[-1]["position"]
                if not final:
                    conn.commit()
                if len(events) < batch:
                    return after

        with conn.cursor() as cur:
            position = replay(cur, 0, final=False)
            store.lock_appends(cur)  # writers wait from here to the swap's commit
            position = replay(cur, position, final=True)
            for t in tables:
                cur.execute(f'DROP TABLE "{schema}"."{t}"')
                cur.execute(f'ALTER TABLE "{tmp}"."{t}" SET SCHEMA "{schema}"')
            cur.execute(f'DROP SCHEMA "{tmp}"')
            cur.execute(f'SET search_path TO "{schema}", public')
        conn.commit()
        return {"position": position, "tables": len(tables)}
    finally:
        conn.close()
