"""`python -m deploy.budget check [process ...]` (used by `deploy/platform.sh start`) exits 1
with a clear message when the PostgreSQL server cannot hold the processes about to start
(every process of one instance when none is named); `show` prints the figures. The kernel's
`eventkit.budget` measures the server; deploy/services.py says what each process holds."""

from __future__ import annotations

import sys

from deploy.services import PROCESSES, SERVICES, instance_budget, process_budget
from eventkit import budget, config


def server_dsn() -> str:
    """Every process's DSN names the same server by default; the first service's is asked."""
    return config.dsn(SERVICES[0])


def check(processes: list[str], dsn: str | None = None, margin: int = 2) -> str | None:
    """None when the server holds `processes` (all of one instance when empty); else why."""
    names = tuple(processes) or PROCESSES
    return budget.check([(p, process_budget(p)) for p in names], dsn or server_dsn(), margin)


def main(argv: list[str]) -> int:
    command, processes = (argv[0] if argv else "show"), argv[1:]
    if command == "check":
        problem = check(processes)
        if problem:
            print(problem, file=sys.stderr)
            return 1
        return 0
    room = budget.headroom(server_dsn())
    print(f"instance budget {instance_budget()} connections;"
          f" server: max_connections {room.max_connections}, reserved {room.reserved},"
          f" in use {room.in_use}, free {room.free}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
