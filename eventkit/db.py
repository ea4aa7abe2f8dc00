"""PostgreSQL access: a small connection pool per service, transactions, the green check.

The pool uses `threading` primitives looked up at construction time, so under nameko
(eventlet monkey-patched) they are green and a waiting worker yields instead of blocking.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
import psycopg2
import psycopg2.extensions
import psycopg2.extras

_LONG_NUMBER = re.compile(r"\d{19}")


def _jsonb_loads(text: str) -> Any:
    """A jsonb value read by orjson (issue 16: the standard library's decoder was a tenth of
    a relay's samples, reading the events it publishes). PostgreSQL writes jsonb as plain
    JSON (no NaN, no duplicate keys), which both decoders read to the same values, except
    an integer past 64 bits (jsonb writes 1.5e300 out in digits): orjson would make it a
    float, so text with 19 digits in a row goes to the standard library's decoder."""
    if _LONG_NUMBER.search(text):
        return json.loads(text)
    return orjson.loads(text)


psycopg2.extras.register_default_jsonb(loads=_jsonb_loads, globally=True)


class NotGreen(RuntimeError):
    pass


def assert_green() -> None:
    """Fail fast when eventlet is active but psycopg2 would block the whole process."""
    try:
        import eventlet.patcher
    except ImportError:  # pragma: no cover - eventlet is a dependency
        return
    if eventlet.patcher.is_monkey_patched("socket"):
        if psycopg2.extensions.get_wait_callback() is None:
            raise NotGreen("eventlet is active but psycopg2 is not green: every query would block")


def connect(dsn: str, schema: str, statement_timeout_ms: int = 15000,
            idle_tx_timeout_ms: int = 30000, application_name: str = "coopleague"):
    # jit off: compiling a query costs tens of milliseconds, more than any of ours runs (a
    # list page's plan crossed jit_above_cost once its tables had statistics: 59 ms of JIT
    # for a 30 ms query, issue 16)
    options = (
        f"-c search_path={schema},public -c statement_timeout={statement_timeout_ms} "
        f"-c idle_in_transaction_session_timeout={idle_tx_timeout_ms} -c timezone=UTC "
        "-c jit=off"
    )
    return psycopg2.connect(dsn, options=options, application_name=application_name,
                            connect_timeout=5)


class PoolExhausted(RuntimeError):
    """No connection of the pool came free in time (its maximum is the budget)."""


class Pool:
    """At most `size` connections, opened when first needed; a caller waits (green under
    eventlet) up to `wait` seconds for a free one, then gets PoolExhausted: a worker that
    waits for ever would hang its caller, and more connections would break the budget."""

    def __init__(self, dsn: str, schema: str, size: int = 4, wait: float = 30.0,
                 **connect_kw) -> None:
        self.dsn, self.schema, self.size, self.wait = dsn, schema, size, wait
        self._connect_kw = connect_kw
        self._idle: list = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(size)
        self._in_use = 0
        self.waiting = 0  # callers waiting for a free slot (metrics)

    def _new(self):
        return connect(self.dsn, self.schema, **self._connect_kw)

    def held(self) -> dict[str, int]:
        """What this pool holds now, and its maximum (for /health)."""
        with self._lock:
            return {"open": len(self._idle) + self._in_use, "in_use": self._in_use,
                    "max": self.size}

    @contextmanager
    def connection(self) -> Iterator:
        if not self._slots.acquire(blocking=False):
            self.waiting += 1
            try:
                acquired = self._slots.acquire(timeout=self.wait)
            finally:
                self.waiting -= 1
        else:
            acquired = True
        if not acquired:
            raise PoolExhausted(f"all {self.size} connections of the {self.schema} pool stayed"
                                f" busy for {self.wait:.0f} s")
        conn = None
        try:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
                self._in_use += 1
            if conn is not None and conn.closed:
                conn = None
            if conn is None:
                conn = self._new()
            yield conn
        except BaseException:
            if conn is not None and not conn.closed:
                try:
                    conn.rollback()
                except psycopg2.Error:
                    conn.close()
            raise
        finally:
            if conn is not None and not conn.closed:
                if conn.info.transaction_status != psycopg2.extensions.TRANSACTION_STATUS_IDLE:
                    conn.close()  # never hand a half-done transaction to the next caller
                else:
                    with self._lock:
                        self._idle.append(conn)
            with self._lock:
                self._in_use -= 1
            self._slots.release()

    @contextmanager
    def autocommit(self) -> Iterator:
        """A cursor whose every `execute` is a transaction of its own: one round trip to
        the server where `transaction()` takes three (BEGIN, the statement, COMMIT). Several
        statements in one `execute` string run as one implicit transaction, and a
        `SET LOCAL` among them applies to it (the gateway's per-request rows)."""
        with self.connection() as conn:
            conn.autocommit = True
            try:
                with conn.cursor() as cur:
                    yield cur
            finally:
                if not conn.closed:
                    conn.autocommit = False

    @contextmanager
    def transaction(self) -> Iterator:
        """A cursor in one transaction: committed on success, rolled back on error."""
        with self.connection() as conn:
            try:
                with conn.cursor() as cur:
                    yield cur
                conn.commit()
            except psycopg2.OperationalError:
                conn.close()  # a dropped connection is not returned to the pool
                raise
            except BaseException:
                conn.rollback()
                raise

    def close(self) -> None:
        with self._lock:
            for conn in self._idle:
                conn.close()
            self._idle.clear()
