"""Projectors: functions that apply events to read-model tables with a cursor.

A service's own projector runs inside the command's transaction (and again on rebuild);
a tracked projector applies another service's events with a tracking row.
Handlers use unqualified table names: the connection's search_path picks the schema, which
is how a rebuild writes into fresh tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[[Any, dict[str, Any]], None]


def aggregate_id(envelope: dict[str, Any]) -> str:
    """The aggregate id of an event's stream (`<prefix>-<id>`)."""
    return str(envelope["stream_id"].split("-", 1)[1])


class Projector:
    def __init__(self, name: str, tables: list[str]) -> None:
        self.name = name
        self.tables = tables  # the read-model tables this projector owns (rebuilt together)
        self._handlers: dict[str, list[Handler]] = {}

    def on(self, *event_types: str) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            for event_type in event_types:
                self._handlers.setdefault(event_type, []).append(fn)
            return fn

        return register

    def handles(self, event_type: str) -> bool:
        return event_type in self._handlers

    def apply(self, cur, envelope: dict[str, Any]) -> None:
        for handler in self._handlers.get(envelope["type"], ()):
            handler(cur, envelope)

    def apply_many(self, cur, envelopes: list[dict[str, Any]]) -> None:
        """Apply consecutive envelopes in order, in the caller's transaction (a projector
        may do it in fewer statements, to the same end)."""
        for envelope in envelopes:
            self.apply(cur, envelope)
