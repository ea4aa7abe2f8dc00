"""What an attacker must not sidestep: rate-limit keys, the anonymous budget, refusal records.

- A token's rate limit is keyed on the authenticated principal, never on the raw header
  (`Bearer  <token>` with another spacing, or a fresh token of the same person, would get a
  fresh bucket).
- Requests that are not authenticated (a missing or invalid token, a partner webhook before
  its signature is checked) take from a budget per client address
  (`ANON_RATE_LIMIT_PER_SECOND`, `ANON_RATE_LIMIT_BURST`); past it they get 429 before any
  work (a JWT check, an RPC to funding for the partner's secrets) is done.
- Refusals are recorded in aggregate: one row per source (the actor, or the client address
  when there is none), reason (status, method and route) and minute, with a count. A flood
  adds to a count instead of adding rows, so the audit trail cannot be flooded.
"""

from __future__ import annotations

import hashlib
from typing import Any

from eventkit import config
from gateway import ratelimit
from gateway.auth import Principal
from gateway.problems import Problem

MAX_AUTHORIZATION = 4096  # a JWT of ours is ~300 characters


def principal_key(principal: Principal) -> str:
    """One key for the whole principal: person, department, role and unit scope.

    The same person with another department, role or scope is another principal: their
    stored idempotent answers must not be replayed to it (an object outside its scope).
    """
    parts = (principal.sub, principal.department, principal.role, principal.unit or "")
    return "\x1f".join(parts)


def bucket_key(principal: Principal) -> str:
    return "p:" + hashlib.sha256(principal_key(principal).encode()).hexdigest()


_anonymous: ratelimit.TokenBuckets | None = None


def anonymous_limiter() -> ratelimit.TokenBuckets | None:
    """Per-address buckets for unauthenticated requests (a rate of 0 disables them)."""
    global _anonymous
    rate = config.env_float("ANON_RATE_LIMIT_PER_SECOND", 20.0)
    if rate <= 0:
        return None
    if _anonymous is None:
        _anonymous = ratelimit.TokenBuckets(rate, config.env_float("ANON_RATE_LIMIT_BURST", 120.0))
    return _anonymous


def client_address(request: Any) -> str:
    # the peer address: X-Forwarded-For is the client's to write, so it is not trusted here
    return str(request.remote_addr or "unknown")[:100]


def limit_anonymous(request: Any) -> None:
    """Take one request from the client address's budget, or refuse with 429."""
    buckets = anonymous_limiter()
    if buckets is None:
        return
    wait = buckets.take("a:" + client_address(request))
    if wait > 0:
        after = ratelimit.retry_after(wait)
        raise Problem(429, f"too many unauthenticated requests from this address;"
                           f" retry in {after} s", headers={"Retry-After": after})


_UPSERT = (
    "INSERT INTO refusals (actor, method, path, status, detail, correlation_id, source, reason,"
    " minute, count, last_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, date_trunc('minute', now()), 1, now())"
    " ON CONFLICT (source, reason, minute) WHERE minute IS NOT NULL"
    " DO UPDATE SET count = refusals.count + 1, last_at = now()")


def record_refusal(cur: Any, *, actor: str | None, address: str, method: str,
                   template: str, status: int, detail: str, correlation_id: str) -> None:
    """Count one refusal in its (source, reason, minute) row; the first one's detail and
    correlation id stay, so the audit trail still leads to one example request."""
    source = actor or f"address:{address}"
    reason = f"{status} {method} {template}"[:600]
    cur.execute(_UPSERT, (actor, method[:20], template[:500], status, detail[:500],
                          correlation_id, source[:300], reason))
