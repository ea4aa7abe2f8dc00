"""Shared checks: every recorded event validates, and replay rebuilds the same state."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from eventkit.aggregate import Aggregate
from services.funding.contract.events import registry


def _state(agg: Aggregate) -> dict[str, Any]:
    return {k: v for k, v in vars(agg).items() if k not in ("pending", "version")}


def settle(agg: Aggregate) -> Aggregate:
    """Validate the new events, store them as JSON, replay: the state must be the same."""
    history = []
    for event in agg.pending:
        registry.validate(event.type, event.data)
        history.append((event.type, json.loads(json.dumps(event.data))))
    replayed = type(agg).from_history(agg.id, history)
    assert _state(replayed) == _state(agg)
    assert replayed.version == len(agg.pending)
    return replayed


@pytest.fixture
def check() -> Callable[[Aggregate], Aggregate]:
    return settle
