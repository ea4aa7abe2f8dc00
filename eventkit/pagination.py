"""Opaque keyset cursors for list endpoints: `?limit=&cursor=` -> `next_cursor`."""

from __future__ import annotations

import base64
import json
from typing import Any

from eventkit.errors import InvalidInput

MAX_LIMIT = 500


def encode(key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode(cursor: str | None) -> Any:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput.field("cursor", "is not a cursor this API issued") from exc


def clamp_limit(limit: Any, default: int = 50) -> int:
    try:
        value = int(limit) if limit not in (None, "") else default
    except (TypeError, ValueError) as exc:
        raise InvalidInput.field("limit", "must be an integer") from exc
    if not 1 <= value <= MAX_LIMIT:
        raise InvalidInput.field("limit", f"must be between 1 and {MAX_LIMIT}")
    return value


def page(rows: list[dict[str, Any]], limit: int, key: str = "id") -> dict[str, Any]:
    """`rows` fetched with LIMIT limit+1: the extra row only says there is a next page."""
    items = rows[:limit]
    next_cursor = encode(items[-1][key]) if len(rows) > limit and items else None
    return {"items": items, "next_cursor": next_cursor}
