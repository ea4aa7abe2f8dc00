"""Opaque keyset cursors for list endpoints: `?limit=&cursor=` -> `next_cursor`.

A cursor is `<base64url JSON key>.<base64url HMAC-SHA256 of it, 16 bytes>`. Clients must treat
it as opaque: one the API did not issue (a hand-made `eyJ4IjoxfQ`, `{"x":1}`) would reach SQL
with a shape the query does not expect, so `decode` refuses every cursor whose signature does
not match (422), and also any decoded key that is not a scalar or a flat list of scalars.
The key is `CURSOR_SECRET`, else the deployment's JWT secret (every process of a deployment
has it, so a cursor issued by one replica is good at another); the kernel never names a
service, so every service's lists are covered by this one helper.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from eventkit.errors import InvalidInput
from eventkit.jsonable import jsonable

MAX_LIMIT = 500
MAX_CURSOR_CHARS = 2000
_SECRET_FILE = Path(__file__).resolve().parent.parent / "var" / "jwt_secret"
_key: bytes | None = None


def _secret() -> bytes:
    global _key
    if _key is None:
        value = os.environ.get("CURSOR_SECRET") or os.environ.get("JWT_SECRET")
        if not value and _SECRET_FILE.exists():
            value = _SECRET_FILE.read_text().strip()
        # without any configured secret (a unit test, a bare checkout) a per-process key
        # still makes forged cursors fail; only paging across processes needs the shared one
        _key = value.encode() if value else os.urandom(32)
    return _key


def _sign(payload: str) -> str:
    digest = hmac.new(b"cursor\x00" + _secret(), payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def encode(key: Any) -> str:
    payload = base64.urlsafe_b64encode(
        json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")
    return f"{payload}.{_sign(payload)}"


def _refuse() -> InvalidInput:
    return InvalidInput.field("cursor", "is not a cursor this API issued")


def _flat(key: Any) -> bool:
    scalar = (str, int, float)
    if isinstance(key, bool):
        return False
    if isinstance(key, scalar):
        return True
    return isinstance(key, list) and all(
        isinstance(v, scalar) and not isinstance(v, bool) or v is None for v in key)


def decode(cursor: str | None) -> Any:
    """The key a cursor of ours carries, None for no cursor, InvalidInput for anything else."""
    if not cursor:
        return None
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_CHARS or not cursor.isascii():
        raise _refuse()
    payload, dot, signature = cursor.partition(".")
    if not dot or not hmac.compare_digest(signature, _sign(payload)):
        raise _refuse()
    try:
        padded = payload + "=" * (-len(payload) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError, binascii.Error, RecursionError) as exc:
        raise _refuse() from exc
    if not _flat(key):
        raise _refuse()
    return key


def clamp_limit(limit: Any, default: int = 50) -> int:
    if isinstance(limit, bool):
        raise InvalidInput.field("limit", "must be an integer")
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
