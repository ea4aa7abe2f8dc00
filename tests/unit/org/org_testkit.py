"""Helpers shared by the org unit tests (imported by module name; no package here)."""

from __future__ import annotations

import copy
import json
from typing import Any

from eventkit.aggregate import Aggregate
from services.org.contract.events import registry


def state(agg: Aggregate) -> dict[str, Any]:
    return {k: v for k, v in vars(agg).items() if k not in ("version", "pending")}


def recorded(agg: Aggregate) -> list[tuple[str, dict[str, Any]]]:
    return [(e.type, e.data) for e in agg.pending]


def check_events(agg: Aggregate) -> list[str]:
    """Every pending event is JSON data that validates, and replaying them rebuilds the state.

    Returns the event types, in order, for the caller to assert on."""
    events = recorded(agg)
    for event_type, data in events:
        assert json.loads(json.dumps(data)) == data, event_type
        assert registry.validate(event_type, data) == registry.current_version(event_type)
    # Deep copies: replay must not depend on sharing objects with the original events.
    again = type(agg).from_history(agg.id, copy.deepcopy(events))
    assert state(again) == state(agg)
    assert again.version == len(events)
    return [t for t, _ in events]
