"""Configuration from the environment, with defaults for one machine.

Each service has its own DSN (`ORG_DSN`, `FUNDING_DSN`, ...) so it can move to its own
database server; `DATABASE_URL` is the shared fallback.
"""

from __future__ import annotations

import os

SERVICES = ("org", "activities", "funding", "assessment")
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
# One platform instance holds at most `instance_budget()` PostgreSQL connections: per
# process a pool with a maximum, plus one dedicated connection per publisher (the services'
# relays and the gateway's departments.outbound hold a session advisory lock and LISTEN).
# A pool opens connections only when needed, so at rest an instance holds fewer.
POOL_DEFAULTS = {"service": 4, "gateway": 6, "partners": 2}
PUBLISHER_CONNECTIONS = 1  # each relay and the outbound publisher


def pool_size(kind: str) -> int:
    """The maximum of a pool: `SERVICE_POOL_SIZE` (each of the four services),
    `GATEWAY_POOL_SIZE` (requests and the feed's trackers), `PARTNERS_POOL_SIZE` (funding's
    partner ingest); at least 1."""
    return max(1, env_int(f"{kind.upper()}_POOL_SIZE", POOL_DEFAULTS[kind]))


def process_budget(process: str) -> int:
    """The most connections one process of the platform holds."""
    if process == "gateway":
        return pool_size("gateway") + PUBLISHER_CONNECTIONS
    extra = pool_size("partners") if process == "funding" else 0
    return pool_size("service") + PUBLISHER_CONNECTIONS + extra


def instance_budget(processes: tuple[str, ...] = (*SERVICES, "gateway")) -> int:
    return sum(process_budget(p) for p in processes)
