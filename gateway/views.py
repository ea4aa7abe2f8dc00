"""Combined views: the dashboard, a unit's overview and the departments' views.

Each service answers `dashboard_summary(...)` for a unit scope with its own sections; the
gateway asks the services it needs in parallel (`call_async`) under one deadline
(`DASHBOARD_TIMEOUT_SECONDS`). A service that does not answer in time, or fails, is named in
`missing` and the answer is partial, never a 500.

Answers are cached per (service, scope, period) in the process and keyed by the positions
the gateway's feed has reached for that service and for org (every service's view of units
comes from org's events): a new event makes the next request ask again. `DASHBOARD_CACHE_SECONDS`
bounds the age of an entry anyway (the month rolls over, a duty falls due). Concurrent
misses share one call. Sections the caller may not read are left out and named in
`withheld`; the cache holds whole answers and the filter runs per request.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import eventlet

from eventkit import clock, config
from gateway import feed, policy
from gateway.auth import Principal

# service -> the sections its dashboard_summary answers
SECTIONS: dict[str, tuple[str, ...]] = {
    "org": ("tree", "coverage", "members"),
    "activities": ("meetings_compliance", "activities"),
    "funding": ("funds", "credit"),
    "assessment": ("assessment",),
}
SECTION_SERVICE = {section: svc for svc, names in SECTIONS.items() for section in names}
# the policy action a caller needs to see a section
SECTION_ACTIONS: dict[str, str] = {
    "tree": "units.read", "coverage": "coverage.read", "members": "members.read",
    "meetings_compliance": "meetings.read", "activities": "activities.read",
    "funds": "funds.read", "credit": "credit.read", "assessment": "assessments.read",
}
SECTION_TITLES: dict[str, str] = {
    "tree": "the League tree: units by kind, warnings",
    "coverage": "League-building coverage of the cooperatives, by industry and township",
    "members": "League members and young people by status",
    "meetings_compliance": "regular meetings due this month: held, overdue",
    "activities": "activities this year: planned, held, young people reached",
    "funds": "funds by source this year, balances",
    "credit": "credit grants and loans: totals, outstanding, overdue",
    "assessment": "assessment progress this year: letters, rounds, grades",
}
# what each department follows (GET /api/v1/departments/{department}/view)
DEPARTMENT_SECTIONS: dict[str, tuple[str, ...]] = {
    "league_committee": tuple(SECTION_ACTIONS),
    "organization": ("tree", "members", "meetings_compliance", "assessment", "coverage"),
    "agriculture": ("coverage", "activities", "credit"),
    "supply_coop": ("coverage", "credit", "activities"),
    "economic_management": ("coverage", "funds"),
    "commerce": ("coverage",),
    "science_technology": ("activities",),
    "civil_affairs": ("activities", "tree"),
    "tax": ("coverage",),
    "finance": ("funds", "credit"),
    "bank": ("credit",),
}


# the kernel's county clock
today = clock.today


def visible_sections(principal: Principal, wanted: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(sections the caller may read, sections withheld from them)."""
    shown = [s for s in wanted if policy.allowed(principal, SECTION_ACTIONS[s])]
    return shown, [s for s in wanted if s not in shown]


def _args(service: str, scope: list[str] | None, year: int, month: int) -> tuple:
    if service == "org":
        return (scope,)
    if service == "activities":
        return (scope, year, f"{year:04d}-{month:02d}")  # activities takes the month as YYYY-MM
    return (scope, year)


class SummaryCache:
    """Answers of dashboard_summary per (service, scope, period), versioned by feed positions."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._entries: dict[tuple, tuple[float, tuple, Any]] = {}
        self._inflight: dict[tuple, tuple[tuple, Any]] = {}
        self._lock = threading.Lock()
        self.stats = {"hits": 0, "misses": 0, "shared": 0}

    def lookup(self, key: tuple, version: tuple) -> tuple[bool, Any]:
        with self._lock:
            entry = self._entries.get(key)
            if entry and entry[0] > self.clock() and entry[1] == version:
                self.stats["hits"] += 1
                return True, entry[2]
        return False, None

    def reply_for(self, key: tuple, version: tuple, start: Callable[[], Any]) -> Any:
        """The in-flight reply for `key` (shared), or a new one from `start()`."""
        with self._lock:
            flying = self._inflight.get(key)
            if flying is not None and flying[0] == version:
                self.stats["shared"] += 1
                return flying[1]
            self.stats["misses"] += 1
            reply = start()
            self._inflight[key] = (version, reply)
            return reply

    def store(self, key: tuple, version: tuple, reply: Any, value: Any) -> None:
        with self._lock:
            if self._inflight.get(key, (None, None))[1] is reply:
                del self._inflight[key]
            if self.ttl > 0:
                if len(self._entries) > 5000:
                    self._entries.clear()
                self._entries[key] = (self.clock() + self.ttl, version, value)

    def forget(self, key: tuple, reply: Any) -> None:
        with self._lock:
            if self._inflight.get(key, (None, None))[1] is reply:
                del self._inflight[key]


_cache: SummaryCache | None = None


def cache() -> SummaryCache:
    global _cache
    if _cache is None:
        _cache = SummaryCache(config.env_float("DASHBOARD_CACHE_SECONDS", 10.0))
    return _cache


_positions: tuple[float, dict[str, int]] = (0.0, {})


def _versions(pool: Any) -> dict[str, int]:
    """The feed's positions per source, read at most every `DASHBOARD_VERSION_SECONDS`
    (default 0.25): one query per quarter second instead of one per request."""
    global _positions
    now = time.monotonic()
    if now < _positions[0]:
        return _positions[1]
    if pool is None:
        return {}
    try:
        with pool.transaction() as cur:
            positions = feed.tracked_positions(cur)
    except Exception:  # noqa: BLE001 - without versions, the TTL alone bounds staleness
        return {}
    _positions = (now + config.env_float("DASHBOARD_VERSION_SECONDS", 0.25), positions)
    return positions


def gather(rpc: Any, pool: Any, services: list[str], scope: list[str] | None, year: int,
           month: int, timeout: float | None = None) -> tuple[dict[str, Any], list[dict]]:
    """Ask `services` in parallel; returns (answers by service, missing parts)."""
    timeout = timeout if timeout is not None else config.env_float(
        "DASHBOARD_TIMEOUT_SECONDS", 2.0)
    positions = _versions(pool)
    scope_key = None if scope is None else tuple(sorted(scope))
    c = cache()
    answers: dict[str, Any] = {}
    pending: dict[str, tuple[tuple, tuple, Any]] = {}
    missing: list[dict] = []
    for service in services:
        period = (year, month) if service == "activities" else (year,)
        key = (service, scope_key, period)
        version = (positions.get(service), positions.get("org")) if positions else (None,)
        hit, value = c.lookup(key, version) if positions else (False, None)
        if hit:
            answers[service] = value
            continue
        args = _args(service, scope, year, month)
        def start(s: str = service, a: tuple = args) -> Any:
            return getattr(rpc, s).call_async("dashboard_summary", *a)

        try:
            reply = c.reply_for(key, version, start)
        except Exception as exc:  # noqa: BLE001 - the broker refused the call: a missing part
            missing.append(_missing(service, "error", type(exc).__name__))
            continue
        pending[service] = (key, version, reply)
    deadline = time.monotonic() + timeout
    for service, (key, version, reply) in pending.items():
        remaining = max(0.0, deadline - time.monotonic())
        try:
            with eventlet.Timeout(remaining):
                value = reply.result()
        except eventlet.Timeout:
            c.forget(key, reply)
            missing.append(_missing(service, "timeout", f"no answer within {timeout:g} s"))
            continue
        except Exception as exc:  # noqa: BLE001 - a failing service is a missing part
            c.forget(key, reply)
            missing.append(_missing(service, "error", _error_text(exc)))
            continue
        if not isinstance(value, dict):
            c.forget(key, reply)
            missing.append(_missing(service, "error", "the answer is not an object"))
            continue
        if positions:
            c.store(key, version, reply, value)
        else:
            c.forget(key, reply)
        answers[service] = value
    return answers, missing


def _error_text(exc: BaseException) -> str:
    name = getattr(exc, "exc_type", None) or type(exc).__name__
    return str(name)[:100]


def _missing(service: str, reason: str, detail: str) -> dict[str, Any]:
    return {"service": service, "sections": list(SECTIONS[service]), "reason": reason,
            "detail": detail}


def combined(rpc: Any, pool: Any, principal: Principal, scope: list[str] | None,
             wanted: tuple[str, ...], year: int, month: int) -> dict[str, Any]:
    """The sections `wanted` that the caller may read, for `scope` (None = whole county)."""
    shown, withheld = visible_sections(principal, wanted)
    services = [svc for svc in SECTIONS if any(SECTION_SERVICE[s] == svc for s in shown)]
    answers, missing = gather(rpc, pool, services, scope, year, month)
    sections: dict[str, Any] = {}
    for section in shown:
        answer = answers.get(SECTION_SERVICE[section])
        if answer is not None:
            sections[section] = answer.get(section)
    for part in missing:
        part["sections"] = [s for s in part["sections"] if s in shown]
    return {
        "period": {"year": year, "month": month},
        "generated_at": dt.datetime.now(dt.UTC).isoformat(),
        "partial": bool(missing),
        "sections": sections,
        "missing": missing,
        "withheld": withheld,
    }
