"""The planner's statistics and the dead rows of a schema's tables, kept by the platform
itself when the PostgreSQL server runs without autovacuum.

Autovacuum keeps the statistics current and reclaims the dead rows of updated tables. A
server may run without it (this project's CI machines do: `autovacuum = off`). Then every
table filled after its creation looks empty to the planner, which picks plans that grow with
the table (issue 16: the cooperatives list counted every League member once per covering
unit, 38 ms a page of the demo county, 14 ms with statistics), and the rows updated once per
event (tracking positions, the relay's checkpoint, rate limits) leave dead versions behind
without end.

Every process of a schema runs `Maintainer.run_forever`; each `MAINTENANCE_SECONDS`
(default 60) the one that gets the schema's advisory lock analyses the tables with as many
changes as autovacuum's own defaults would wait for (50 rows + 10% of the table), and
vacuums those with as many dead rows (50 + 20%). Nothing is done while the server's
autovacuum is on. `python -m deploy.maintenance` runs one round for every schema of the
instance (after a bulk load such as the demo county).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import psycopg2

from eventkit import config, logs
from eventkit.db import Pool

log = logs.get("eventkit.maintenance")

ANALYZE_BASE, ANALYZE_SCALE = 50, 0.1
VACUUM_BASE, VACUUM_SCALE = 50, 0.2


@dataclass(frozen=True)
class TableState:
    name: str
    live: int
    dead: int
    modified: int
    analysed: bool  # ever analysed (by anyone)

    @property
    def analyse_due(self) -> bool:
        return self.modified > ANALYZE_BASE + ANALYZE_SCALE * self.live or (
            not self.analysed and self.live > 0)

    @property
    def vacuum_due(self) -> bool:
        return self.dead > VACUUM_BASE + VACUUM_SCALE * self.live


def table_states(cur: Any, schema: str) -> list[TableState]:
    cur.execute("SELECT relname, n_live_tup, n_dead_tup, n_mod_since_analyze,"
                " coalesce(last_analyze, last_autoanalyze) IS NOT NULL"
                " FROM pg_stat_user_tables WHERE schemaname = %s ORDER BY relname", (schema,))
    return [TableState(*row) for row in cur.fetchall()]


def autovacuum_on(cur: Any) -> bool:
    cur.execute("SELECT current_setting('autovacuum') = 'on'")
    return bool(cur.fetchone()[0])


def run_once(pool: Pool, schema: str, always: bool = False) -> list[str]:
    """One round for `schema`: what was done ("analyze t", "vacuum t"). With `always`, also
    when the server's autovacuum is on (tests, a bulk load)."""
    done: list[str] = []
    with pool.autocommit() as cur:
        if not always and autovacuum_on(cur):
            return done
        cur.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (f"maintenance:{schema}",))
        if not cur.fetchone()[0]:
            return done  # another process of the schema is at it
        try:
            # VACUUM runs outside any transaction, so not under the pool's statement
            # timeout either: a large table may take longer than a request may
            cur.execute("SET statement_timeout TO 0")
            for table in table_states(cur, schema):
                name = f'"{schema}"."{table.name}"'
                if table.vacuum_due:
                    cur.execute(f"VACUUM (ANALYZE) {name}")
                    done.append(f"vacuum {table.name}")
                elif table.analyse_due:
                    cur.execute(f"ANALYZE {name}")
                    done.append(f"analyze {table.name}")
        finally:
            cur.execute("RESET statement_timeout")
            cur.execute("SELECT pg_advisory_unlock(hashtext(%s))", (f"maintenance:{schema}",))
    if done:
        log.info("tables maintained", schema=schema, done=done)
    return done


class Maintainer:
    """The loop of one process: a round every `MAINTENANCE_SECONDS`, never raising."""

    def __init__(self, pool: Pool, schema: str, interval: float | None = None) -> None:
        self.pool, self.schema = pool, schema
        self.interval = (interval if interval is not None
                         else config.env_float("MAINTENANCE_SECONDS", 60.0))

    def run_forever(self, stop: threading.Event) -> None:
        if self.interval <= 0:
            return  # switched off (MAINTENANCE_SECONDS=0)
        while not stop.wait(self.interval):
            try:
                run_once(self.pool, self.schema)
            except (psycopg2.Error, RuntimeError) as exc:  # the next round tries again
                log.warning("table maintenance failed", schema=self.schema,
                            error=str(exc).strip()[:200])
