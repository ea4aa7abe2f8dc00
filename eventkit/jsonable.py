"""Rows from psycopg2 -> JSON-safe values for RPC replies (pure: no driver imported)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any


def jsonable(value: Any) -> Any:
    """Rows from psycopg2 -> JSON-safe values for RPC replies."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
