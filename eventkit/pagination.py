"""Opaque keyset cursors for list endpoints: `?limit=&cursor=` -> `next_cursor`."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any

from eventkit.errors import InvalidInput
from eventkit.jsonable import jsonable

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


Key = str | Callable[[Any], Any]


def _key_of(row: Any, key: Key) -> Any:
    return key(row) if callable(key) else row[key]


def page(rows: list[Any], limit: int, key: Key = "id",
         shape: Callable[[Any], Any] | None = None) -> dict[str, Any]:
    """The one page answer: `rows` fetched with LIMIT limit+1 (the extra row only says there
    is a next page); the cursor is the last item's `key` (a column or a function of the raw
    row, before `shape` turns it into a view)."""
    items = rows[:limit]
    next_cursor = encode(_key_of(items[-1], key)) if len(rows) > limit and items else None
    return {"items": [shape(r) for r in items] if shape else items, "next_cursor": next_cursor}


def fetch(cur: Any, sql: str, args: Sequence[Any], limit: int, key: Key = "id",
          shape: Callable[[dict[str, Any]], Any] | None = None) -> dict[str, Any]:
    """Run `sql` (already ordered by the key and filtered past the cursor) for one page."""
    cur.execute(sql + " LIMIT %s", (*args, limit + 1))
    columns = [c[0] for c in cur.description]
    rows = [jsonable(dict(zip(columns, r, strict=True))) for r in cur.fetchall()]
    return page(rows, limit, key, shape)


# -- pages ordered by (sort key, id) -------------------------------------------------------


def keyset(cursor: str | None) -> tuple[str, list[Any]]:
    """SQL condition on (sort_key, id) for the page after `cursor`, and its arguments."""
    after = decode(cursor)
    if after is None:
        return "", []
    if not (isinstance(after, list) and len(after) == 2):
        raise InvalidInput.field("cursor", "is not a cursor this API issued")
    return "(sort_key, id) > (%s, %s)", [after[0], after[1]]


def fetch_sorted(cur: Any, table: str, columns: Sequence[str], sort_expr: str,
                 where: Sequence[str], args: Sequence[Any], cursor: str | None,
                 limit: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Up to limit+1 rows of `table` after `cursor`, ordered by (`sort_expr`, id), and each
    row's sort key by id (for `sorted_page`, once the rows have become views)."""
    cond, cargs = keyset(cursor)
    sql = (f"SELECT * FROM (SELECT {', '.join(columns)}, {sort_expr} AS sort_key FROM {table}"
           + (" WHERE " + " AND ".join(where) if where else "") + ") x")
    if cond:
        sql += " WHERE " + cond
    cur.execute(sql + " ORDER BY sort_key, id LIMIT %s", (*args, *cargs, limit + 1))
    rows = [dict(zip((*columns, "sort_key"), r, strict=True)) for r in cur.fetchall()]
    keys = {r["id"]: r.pop("sort_key") for r in rows}
    return rows, keys


def sorted_page(items: list[dict[str, Any]], keys: dict[str, Any], limit: int) -> dict[str, Any]:
    """The page of views made from `fetch_sorted`'s rows; the cursor is (sort key, id)."""
    return page(items, limit, key=lambda item: [keys[item["id"]], item["id"]])
