"""Calendar feed tokens: what a phone's calendar puts in its subscription URL.

A calendar app cannot send an `Authorization` header, and a bearer token in a URL ends up in
the app's settings, proxies' logs and browser histories, where it would open the whole API
for its lifetime. A feed token opens one thing: the calendar of one unit, read-only, for the
person (and department, role, scope) who created it, until they revoke it. Only its SHA-256
is stored; the token itself is shown once, when it is created.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from typing import Any

from gateway import abuse
from gateway.auth import Principal
from gateway.problems import Problem

PREFIX = "cal_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(cur: Any, principal: Principal, unit_id: str) -> dict[str, Any]:
    token = PREFIX + secrets.token_urlsafe(32)
    ident = uuid.uuid4().hex
    cur.execute(
        "INSERT INTO calendar_tokens (id, token_hash, owner, sub, department, role, scope_unit,"
        " unit_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING created_at",
        (ident, _hash(token), abuse.principal_key(principal), principal.sub,
         principal.department, principal.role, principal.unit, unit_id))
    created = cur.fetchone()[0]
    return {"id": ident, "unit_id": unit_id, "token": token, "created_at": created.isoformat(),
            "revoked_at": None}


def owned(cur: Any, principal: Principal) -> list[dict[str, Any]]:
    cur.execute("SELECT id, unit_id, created_at, revoked_at FROM calendar_tokens"
                " WHERE owner = %s ORDER BY created_at, id", (abuse.principal_key(principal),))
    return [{"id": i, "unit_id": u, "created_at": c.isoformat(),
             "revoked_at": r.isoformat() if r else None} for i, u, c, r in cur.fetchall()]


def revoke(cur: Any, principal: Principal, token_id: str) -> dict[str, Any]:
    cur.execute("UPDATE calendar_tokens SET revoked_at = coalesce(revoked_at, now())"
                " WHERE id = %s AND owner = %s RETURNING id, unit_id, created_at, revoked_at",
                (token_id, abuse.principal_key(principal)))
    row = cur.fetchone()
    if row is None:
        raise Problem(404, "no calendar token with this id")
    return {"id": row[0], "unit_id": row[1], "created_at": row[2].isoformat(),
            "revoked_at": row[3].isoformat()}


def principal_for(cur: Any, token: str, unit_id: str) -> Principal:
    """Whose calendar token this is, for this unit's calendar; 401 otherwise (an unknown,
    revoked token, or one issued for another unit's calendar)."""
    if not token.startswith(PREFIX) or len(token) > 100:
        raise Problem(401, "not a calendar feed token", headers={"WWW-Authenticate": "Bearer"})
    cur.execute("SELECT sub, department, role, scope_unit, unit_id, revoked_at"
                " FROM calendar_tokens WHERE token_hash = %s", (_hash(token),))
    row = cur.fetchone()
    if row is None or row[5] is not None or row[4] != unit_id:
        raise Problem(401, "calendar feed token unknown, revoked, or for another calendar",
                      headers={"WWW-Authenticate": "Bearer"})
    return Principal(sub=row[0], department=row[1], role=row[2], unit=row[3])
