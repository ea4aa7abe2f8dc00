"""A person's erasure and copy across the services (PIPL Art. 45, 47).

Erasure: org records `PersonErased` (person id, reason, date; actor in the metadata, so the
audit trail shows who asked and why). Every service applies it, org in its own projector and
the others as a tracked org event: it destroys the person's data key in that service's key
store (`eventkit.personal`), so every stored event reads 已删除 there from then on, in a
rebuild too, and overwrites the person's values in the service's read models (`scrub`),
which are mutable. Rows stay, so counts and aggregates do not change.

Copy: `person_events` finds what a service's store holds about one person: the events of the
person's own streams and every event naming the person's id, opened (clear or erased).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from eventkit.identifiers import ERASED
from eventkit.personal import KeyStore
from eventkit.projection import Projector
from eventkit.registry import EventRegistry
from eventkit.store import _COLUMNS, Envelope, EventStore, _row_to_envelope

ERASURE_EVENT = "PersonErased"

Scrub = Callable[[Any, str], None]


def on_erasure(projector: Projector, schema: str, scrub: Scrub | None = None) -> None:
    """Register the erasure handler on `projector` (org's own, or a service's org tracker)."""

    @projector.on(ERASURE_EVENT)
    def _erase(cur: Any, env: dict[str, Any]) -> None:
        person_id = env["data"]["person_id"]
        KeyStore(schema).erase(cur, person_id, env["data"]["reason"])
        if scrub is not None:
            scrub(cur, person_id)


def scrub_columns(cur: Any, table: str, key: str, person_id: str,
                  erased: dict[str, Any]) -> None:
    """Overwrite the columns of `erased` (column -> value) in the person's rows; a NULL stays
    NULL, as a rebuild gives it (an absent value was never encrypted)."""
    sets = ", ".join(f"{column} = NULL" if value is None else
                     f"{column} = CASE WHEN {column} IS NULL THEN NULL ELSE %s END"
                     for column, value in erased.items())
    cur.execute(f"UPDATE {table} SET {sets} WHERE {key} = %s",
                (*(v for v in erased.values() if v is not None), person_id))


def erase_in_data(registry: EventRegistry, event_type: str, stream_id: str,
                  data: dict[str, Any], person_id: str) -> dict[str, Any] | None:
    """A copy's `data` with the person's declared fields erased (None: nothing of theirs)."""
    decl = registry.personal(event_type)
    if decl is None or decl.subject_of(stream_id, data) != person_id:
        return None
    changed = dict(data)
    for name in decl.fields:
        if changed.get(name) is not None:
            changed[name] = decl.erased_value(name)
    return changed if changed != data else None


def mentions(person_id: str) -> tuple[str, tuple[Any, ...]]:
    """SQL condition (and its arguments) for events of or about `person_id`."""
    return ("(stream_id LIKE %s OR data::text LIKE %s)",
            (f"%-{_like(person_id)}", f'%"{_like(person_id)}"%'))


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def person_events(cur: Any, store: EventStore, person_id: str,
                  limit: int = 5000) -> list[Envelope]:
    condition, args = mentions(person_id)
    cur.execute(f'SELECT {_COLUMNS} FROM "{store.schema}".events WHERE {condition}'
                " ORDER BY position LIMIT %s", (*args, limit))
    rows = store._open_all(cur, [_row_to_envelope(r) for r in cur.fetchall()])
    return [store._upcast(e) for e in rows]


def key_state(cur: Any, schema: str, person_id: str) -> dict[str, Any] | None:
    cur.execute(f'SELECT created_at, erased_at, erased_reason FROM "{schema}".personal_keys'
                " WHERE subject = %s", (person_id,))
    row = cur.fetchone()
    if row is None:
        return None
    return {"created_at": row[0].isoformat(),
            "erased_at": row[1].isoformat() if row[1] else None,
            "erased_reason": row[2], "erased": row[1] is not None}


def export(cur: Any, store: EventStore, service: str, person_id: str,
           records: Sequence[tuple[str, str, str]] = ()) -> dict[str, Any]:
    """What one service holds about a person: events, key state and read-model rows
    (`records`: (label, table, key column) of tables keyed by the person)."""
    from eventkit.jsonable import jsonable

    rows: dict[str, list[dict[str, Any]]] = {}
    for label, table, column in records:
        cur.execute(f"SELECT * FROM {table} WHERE {column} = %s", (person_id,))
        names = [d[0] for d in cur.description]
        rows[label] = [jsonable(dict(zip(names, r, strict=True))) for r in cur.fetchall()]
    events = person_events(cur, store, person_id)
    return {
        "service": service,
        "key": key_state(cur, store.schema, person_id),
        "records": rows,
        "events": [{k: e[k] for k in ("position", "type", "stream_id", "occurred_at", "data")}
                   for e in events],
        "erased_marker": ERASED,
    }
