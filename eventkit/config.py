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
