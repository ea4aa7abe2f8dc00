"""A service's own copy of another service's entity, learnt from that service's events.

One row per entity: its id, the fields the source's contract publishes, the source position
that last changed it and when it was first learnt. `KnownTable` writes the SQL from the
table's name and the field list (so no service restates it) and registers its two handlers
on a tracked projector: the entity's creation inserts the row once (a replay or a
redelivery of it changes nothing), an update sets the published fields it carries. Each
service still owns its table: the DDL is its own migration (a schema declaration).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventkit.projection import Projector, aggregate_id


class KnownTable:
    def __init__(self, table: str, fields: Sequence[str], position_column: str) -> None:
        self.table = table
        self.fields = tuple(fields)
        self.position_column = position_column
        self.columns = ("id", *self.fields, position_column)  # what `get` answers

    def track(self, projector: Projector, created: str, updated: str) -> None:
        """Apply the source's `created` and `updated` events to this table."""
        projector.on(created)(self.created)
        projector.on(updated)(self.updated)

    def created(self, cur: Any, env: dict[str, Any]) -> None:
        data = env["data"]
        columns = ", ".join((*self.columns, "learnt_at"))
        values = ", ".join(["%s"] * len(self.columns))
        cur.execute(
            f"INSERT INTO {self.table} ({columns}) VALUES ({values}, now())"
            " ON CONFLICT (id) DO NOTHING",
            (aggregate_id(env), *(data[field] for field in self.fields), env["position"]))

    def updated(self, cur: Any, env: dict[str, Any]) -> None:
        changes = {k: v for k, v in env["data"].items() if k in self.fields}
        if changes:
            sets = ", ".join(f"{k} = %s" for k in changes)
            cur.execute(f"UPDATE {self.table} SET {sets}, {self.position_column} = %s"
                        " WHERE id = %s", (*changes.values(), env["position"], aggregate_id(env)))

    def get(self, cur: Any, row_id: str) -> dict[str, Any] | None:
        """The entity as this service learnt it (None: not yet)."""
        cur.execute(f"SELECT {', '.join(self.columns)} FROM {self.table} WHERE id = %s",
                    (row_id,))
        row = cur.fetchone()
        return None if row is None else dict(zip(self.columns, row, strict=True))
