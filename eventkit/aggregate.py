"""Aggregate base: pure, no I/O.

An aggregate decides in its public command methods (validate, then `_record`) and mutates
only in its `_on_<event_type_in_snake_case>` methods, which run again on every replay.
Event data are plain JSON-compatible dicts (dates as ISO strings, money as int fen).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class NewEvent:
    type: str
    data: dict[str, Any]


_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def handler_name(event_type: str) -> str:
    """`CooperativeRegistered` -> `_on_cooperative_registered`."""
    return "_on_" + _CAMEL.sub("_", event_type).lower()


class Aggregate:
    """Base of every event-sourced aggregate.

    Subclasses set `stream_prefix` (e.g. "cooperative") and implement `_on_*` methods.
    `version` is the number of events applied from the store; `pending` holds new ones.
    """

    stream_prefix: ClassVar[str] = ""

    def __init__(self, aggregate_id: str) -> None:
        self.id = aggregate_id
        self.version = 0
        self.pending: list[NewEvent] = []

    @classmethod
    def stream_id_for(cls, aggregate_id: str) -> str:
        return f"{cls.stream_prefix}-{aggregate_id}"

    @property
    def stream_id(self) -> str:
        return self.stream_id_for(self.id)

    @property
    def exists(self) -> bool:
        return self.version > 0 or bool(self.pending)

    def _record(self, event_type: str, data: dict[str, Any]) -> None:
        self._mutate(event_type, data)
        self.pending.append(NewEvent(event_type, data))

    def _mutate(self, event_type: str, data: dict[str, Any]) -> None:
        handler = getattr(self, handler_name(event_type), None)
        if handler is None:
            raise TypeError(f"{type(self).__name__} has no handler for {event_type}")
        handler(data)

    def replay(self, event_type: str, data: dict[str, Any]) -> None:
        """Apply a stored event (already upcast to the current schema version)."""
        self._mutate(event_type, data)
        self.version += 1

    @classmethod
    def from_history(cls, aggregate_id: str, events: list[tuple[str, dict[str, Any]]]) -> Any:
        agg = cls(aggregate_id)
        for event_type, data in events:
            agg.replay(event_type, data)
        return agg
