"""Rows from psycopg2 -> JSON-safe values for RPC replies (pure: no driver imported)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

# most values of a row: answered by one set lookup (issue 16: jsonable was 15% of org's
# samples under the list load; the isinstance checks on union types cost ~2x this)
_SCALARS = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any) -> Any:
    """Rows from psycopg2 -> JSON-safe values for RPC replies."""
    if type(value) in _SCALARS:
        return value
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def jsonable_row(keys: list[str] | tuple[str, ...], row: Any) -> dict[str, Any]:
    """`jsonable(dict(zip(keys, row)))` with the scalar test inline: a list page shapes
    thousands of values, most of them scalars, and a call per value was most of the cost."""
    scalars = _SCALARS
    return {k: v if type(v) in scalars else jsonable(v)
            for k, v in zip(keys, row, strict=True)}
