"""The connection budget of processes against what the PostgreSQL server can hold.

`check` says, with the figures, when the server's headroom (max_connections minus the
reserved ones minus the connections in use) cannot hold the processes about to start. Which
processes a platform has and what each holds is deploy's (`python -m deploy.budget`, used by
`deploy/platform.sh start`); the budget of one process is `eventkit.config.process_budget`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import psycopg2
from psycopg2.extensions import parse_dsn


@dataclass(frozen=True)
class Headroom:
    max_connections: int
    reserved: int
    in_use: int

    @property
    def free(self) -> int:
        """Connections a non-superuser client can still open."""
        return self.max_connections - self.reserved - self.in_use


def server_dsn(dsn: str) -> str:
    params = parse_dsn(dsn)
    params["dbname"] = "postgres"
    return " ".join(f"{k}={v}" for k, v in params.items())


def headroom(dsn: str) -> Headroom:
    """The server's figures now (the connection asking is counted as in use)."""
    conn = psycopg2.connect(server_dsn(dsn), connect_timeout=5, application_name="budget")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT current_setting('max_connections')::int,"
                        " current_setting('superuser_reserved_connections')::int"
                        " + coalesce(current_setting('reserved_connections', true)::int, 0),"
                        " (SELECT count(*) FROM pg_stat_activity"
                        "  WHERE backend_type = 'client backend')")
            max_connections, reserved, in_use = cur.fetchone()
    finally:
        conn.close()
    return Headroom(max_connections, reserved, in_use)


def check(processes: Sequence[tuple[str, int]], dsn: str, margin: int = 2) -> str | None:
    """None when the server holds `processes` (each a name and its budget); else why not."""
    need = sum(budget for _, budget in processes)
    try:
        room = headroom(dsn)
    except psycopg2.OperationalError as exc:
        if "too many clients" not in str(exc):
            raise
        return (f"PostgreSQL cannot hold this instance: it needs up to {need} connections and"
                " the server refuses new ones already (too many clients). Stop another"
                " instance or wait until its tests end.")
    if room.free - margin >= need:
        return None
    return (f"PostgreSQL cannot hold this instance: it needs up to {need} connections"
            f" ({', '.join(f'{p} {budget}' for p, budget in processes)}), but the server"
            f" has {room.free} free (max_connections {room.max_connections}, reserved"
            f" {room.reserved}, in use {room.in_use}; {margin} kept for migrations and"
            " tools). Stop another instance, or lower SERVICE_POOL_SIZE / GATEWAY_POOL_SIZE /"
            " PARTNERS_POOL_SIZE.")
