"""The platform's processes: the one place that names the services (the kernel names none).

The command lines that act on every service live beside it: `python -m deploy.migrate`,
`python -m deploy.rebuild <svc>`, `python -m deploy.catalogue > docs/events.md`,
`python -m deploy.budget check|show`.
"""

from __future__ import annotations

from collections.abc import Iterable

from eventkit import config

SERVICES: tuple[str, ...] = ("org", "activities", "funding", "assessment")
PROCESSES: tuple[str, ...] = (*SERVICES, "gateway")

# The pools each process holds (kinds of eventkit.config.POOL_DEFAULTS): a service its
# store's pool, funding also its partner ingest's, the gateway its own.
POOLS: dict[str, tuple[str, ...]] = {
    **{service: ("service",) for service in SERVICES},
    "funding": ("service", "partners"),
    "gateway": ("gateway",),
}


def process_budget(process: str) -> int:
    """The most connections one process of the platform holds (eventkit.config)."""
    return config.process_budget(POOLS[process])


def instance_budget(processes: Iterable[str] = PROCESSES) -> int:
    """The most connections one platform instance (or the processes named) holds."""
    return config.instance_budget(POOLS[p] for p in processes)
