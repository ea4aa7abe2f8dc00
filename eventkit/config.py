"""Configuration from the environment, with defaults for one machine.

Each service has its own DSN (`ORG_DSN`, `FUNDING_DSN`, ...) so it can move to its own
database server; `DATABASE_URL` is the shared fallback.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/coopleague"
DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672/coopleague"


def dsn(service: str) -> str:
    return os.environ.get(f"{service.upper()}_DSN") or os.environ.get("DATABASE_URL", DEFAULT_DSN)


def amqp_uri() -> str:
    return os.environ.get("AMQP_URI", DEFAULT_AMQP)


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def nameko_config() -> dict:
    return {
        "AMQP_URI": amqp_uri(),
        "max_workers": env_int("NAMEKO_MAX_WORKERS", 10),
        "parent_calls_tracked": 10,
        "serializer": "json",
    }


# -- the connection budget (docs/operations: "Connections") ---------------------------------
# One platform instance holds at most an instance budget of PostgreSQL connections: per
# process its pools, each with a maximum, plus one dedicated connection for its publisher
# (the services' relays and the gateway's departments.outbound hold a session advisory lock
# and LISTEN). A pool opens connections only when needed, so at rest an instance holds fewer.
# Which process holds which pools is deploy's to say (deploy/services.py), not the kernel's.
POOL_DEFAULTS = {"service": 4, "gateway": 6, "partners": 2}
PUBLISHER_CONNECTIONS = 1  # each relay and the outbound publisher


def pool_size(kind: str) -> int:
    """The maximum of a pool: `SERVICE_POOL_SIZE` (each of the four services),
    `GATEWAY_POOL_SIZE` (requests and the feed's trackers), `PARTNERS_POOL_SIZE` (funding's
    partner ingest); at least 1."""
    return max(1, env_int(f"{kind.upper()}_POOL_SIZE", POOL_DEFAULTS[kind]))


def process_budget(pools: Iterable[str]) -> int:
    """The most connections one process holds: the maxima of its pools (kinds of
    `POOL_DEFAULTS`) and its publisher's connection."""
    return sum(pool_size(kind) for kind in pools) + PUBLISHER_CONNECTIONS


def instance_budget(processes: Iterable[Iterable[str]]) -> int:
    """The most connections processes hold together, each given by its pools' kinds."""
    return sum(process_budget(pools) for pools in processes)
