"""The connection budget of a platform instance against what the PostgreSQL server can hold.

`python -m eventkit.budget check [process ...]` (used by `deploy/platform.sh start`) exits 1
with a clear message when the server's headroom (max_connections minus the reserved ones
minus the connections in use) cannot hold the processes about to start; `show` prints the
figures. The budget itself is `eventkit.config.instance_budget()`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import psycopg2
from psycopg2.extensions import parse_dsn

from eventkit import config


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


def check(processes: list[str], dsn: str | None = None, margin: int = 2) -> str | None:
    """None when the server holds `processes` at their budget; else why not."""
    names = tuple(processes) or (*config.SERVICES, "gateway")
    need = config.instance_budget(names)
    try:
        room = headroom(dsn or config.dsn("org"))
    except psycopg2.OperationalError as exc:
        if "too many clients" not in str(exc):
            raise
        return (f"PostgreSQL cannot hold this instance: it needs up to {need} connections and"
                " the server refuses new ones already (too many clients). Stop another"
                " instance or wait until its tests end.")
    if room.free - margin >= need:
        return None
    return (f"PostgreSQL cannot hold this instance: it needs up to {need} connections"
            f" ({', '.join(f'{p} {config.process_budget(p)}' for p in names)}), but the server"
            f" has {room.free} free (max_connections {room.max_connections}, reserved"
            f" {room.reserved}, in use {room.in_use}; {margin} kept for migrations and"
            " tools). Stop another instance, or lower SERVICE_POOL_SIZE / GATEWAY_POOL_SIZE /"
            " PARTNERS_POOL_SIZE.")


def main(argv: list[str]) -> int:
    command, processes = (argv[0] if argv else "show"), argv[1:]
    if command == "check":
        problem = check(processes)
        if problem:
            print(problem, file=sys.stderr)
            return 1
        return 0
    room = headroom(config.dsn("org"))
    print(f"instance budget {config.instance_budget()} connections;"
          f" server: max_connections {room.max_connections}, reserved {room.reserved},"
          f" in use {room.in_use}, free {room.free}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
