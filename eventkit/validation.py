"""Loading command payloads with marshmallow at the service edge."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from marshmallow import Schema, ValidationError

from eventkit.errors import InvalidInput, NotFound


def load(schema: Schema, payload: Any) -> Any:
    """Validated data, or InvalidInput (422) with `errors: {field: [messages]}`."""
    if not isinstance(payload, dict):
        raise InvalidInput("the body must be a JSON object",
                           {"errors": {"_schema": ["not an object"]}})
    try:
        return schema.load(payload)
    except ValidationError as err:
        messages = err.messages if isinstance(err.messages, dict) else {"_schema": err.messages}
        raise InvalidInput("the request has invalid fields", {"errors": messages}) from err


# -- unit scope: the one check of "may the caller see this unit" -----------------------------
# `scope` is the list of unit ids a caller may see (None = everything). An object outside it
# answers NotFound when asked for directly (404), or is a 422 on the body field that named it.

Scope = Sequence[str] | None


def in_scope(scope: Scope, unit_ids: Iterable[str]) -> bool:
    return scope is None or bool(set(unit_ids) & set(scope))


def scope_clause(column: str, scope: Scope) -> tuple[str, list[Any]]:
    """` AND column = ANY(scope)` and its argument, or nothing for an unscoped caller."""
    if scope is None:
        return "", []
    return f" AND {column} = ANY(%s)", [list(scope)]


def require_in_scope(unit_id: str, scope: Scope, field: str | None = None,
                     what: str = "unit") -> None:
    """404 for a unit outside scope, or 422 on `field` when a body named it."""
    if scope is not None and unit_id not in scope:
        if field:
            raise InvalidInput.field(field, f"unknown {what} {unit_id}")
        raise NotFound(f"{what} {unit_id} not found")


def unknown_units(field: str, unit_ids: Iterable[str], why: str = "unknown or dissolved") -> None:
    """422 on `field` listing the units a body named that are not usable (none: no error)."""
    unknown = sorted(set(unit_ids))
    if unknown:
        raise InvalidInput(f"{field}: {why} units: {', '.join(unknown)}",
                           {"errors": {field: [f"{why}: " + ", ".join(unknown)]},
                            "unknown_unit_ids": unknown})
