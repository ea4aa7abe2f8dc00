"""`Idempotency-Key`: a repeated write with the same body returns the first answer."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import psycopg2.errors
from psycopg2.extras import Json

from eventkit import config
from gateway.problems import Problem

# The key's row is written without waiting for the WAL flush (issue 16: two flushes per
# command in the gateway), each statement a transaction of its own (one round trip). A
# database crash may lose the last fraction of a second of rows: a retry is then executed
# again by the gateway, and the service drops it as the command id (`command_id`, from the
# principal and the key) it has already executed.
ASYNC = "SET LOCAL synchronous_commit TO off; "


def body_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def command_id(principal: str, key: str) -> str:
    """The id the service dedups on, so a retry after a gateway crash is a no-op too."""
    return "idem-" + hashlib.sha256(f"{principal}\x00{key}".encode()).hexdigest()[:40]


def begin(pool: Any, principal: str, key: str, method: str, path: str,
          digest: str) -> tuple[int, Any, dict] | None:
    """Claim the key, or return the stored answer (status, body, headers)."""
    if not key or len(key) > 200:
        raise Problem(422, "Idempotency-Key must be 1-200 characters",
                      errors={"Idempotency-Key": ["must be 1-200 characters"]})
    with pool.autocommit() as cur:
        try:
            cur.execute(
                ASYNC + "INSERT INTO idempotency (principal, key, method, path, body_hash)"
                " VALUES (%s, %s, %s, %s, %s)", (principal, key, method, path, digest))
            return None
        except psycopg2.errors.UniqueViolation:
            pass
        cur.execute("SELECT method, path, body_hash, status, response, headers FROM idempotency"
                    " WHERE principal = %s AND key = %s", (principal, key))
        row = cur.fetchone()
    if row is None:  # expired between the two statements: treat as new
        return begin(pool, principal, key, method, path, digest)
    if (row[0], row[1], row[2]) != (method, path, digest):
        raise Problem(422, "this Idempotency-Key was used with a different request",
                      errors={"Idempotency-Key": ["reused with a different method, path or body"]})
    if row[3] is None:
        if _take_over(pool, principal, key):
            return None
        raise Problem(409, "a request with this Idempotency-Key is still in progress")
    return row[3], row[4], row[5] or {}


def _take_over(pool: Any, principal: str, key: str) -> bool:
    """A claim in flight for longer than `IDEMPOTENCY_CLAIM_SECONDS` (default 60, well above
    the RPC timeout) belongs to a gateway replica that died mid-request (kill -9, a lost
    machine): it never finishes nor abandons it, so the client's retry takes the claim over.
    Executing again is safe: the service dedups on `command_id(principal, key)`."""
    seconds = config.env_float("IDEMPOTENCY_CLAIM_SECONDS", 60.0)
    with pool.transaction() as cur:
        cur.execute("UPDATE idempotency SET created_at = now()"
                    " WHERE principal = %s AND key = %s AND status IS NULL"
                    " AND created_at < now() - make_interval(secs => %s)",
                    (principal, key, seconds))
        return cur.rowcount == 1


def finish(pool: Any, principal: str, key: str, status: int, body: Any, headers: dict) -> None:
    with pool.autocommit() as cur:
        cur.execute(ASYNC + "UPDATE idempotency SET status = %s, response = %s, headers = %s"
                    " WHERE principal = %s AND key = %s",
                    (status, Json(body), Json(headers), principal, key))


def abandon(pool: Any, principal: str, key: str) -> None:
    """A failed attempt (5xx) frees the key so the client's retry is executed."""
    with pool.autocommit() as cur:
        cur.execute(ASYNC + "DELETE FROM idempotency WHERE principal = %s AND key = %s"
                    " AND status IS NULL",
                    (principal, key))


def dumps(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False)
