"""A tiny event-sourced model for testing the kit: counters with a read model."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from eventkit.aggregate import Aggregate
from eventkit.errors import RuleViolation
from eventkit.projection import Projector
from eventkit.registry import EventRegistry

registry = EventRegistry("kit")


@registry.event("CounterIncremented", version=1)
class CounterIncremented(Schema):
    by = fields.Int(required=True)


class Counter(Aggregate):
    stream_prefix = "counter"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.value = 0

    def increment(self, by: int = 1) -> None:
        if by <= 0:
            raise RuleViolation("a counter only goes up")
        self._record("CounterIncremented", {"by": by})

    def _on_counter_incremented(self, data: dict[str, Any]) -> None:
        self.value += data["by"]


COUNTERS_DDL = """
CREATE TABLE IF NOT EXISTS counters (id text PRIMARY KEY, value integer NOT NULL,
                                     last_position bigint NOT NULL);
"""

projector = Projector("kit", tables=["counters"])


@projector.on("CounterIncremented")
def _counted(cur, env: dict[str, Any]) -> None:
    cur.execute(
        "INSERT INTO counters (id, value, last_position) VALUES (%s, %s, %s)"
        " ON CONFLICT (id) DO UPDATE SET value = counters.value + EXCLUDED.value,"
        " last_position = EXCLUDED.last_position",
        (env["stream_id"].split("-", 1)[1], env["data"]["by"], env["position"]),
    )
