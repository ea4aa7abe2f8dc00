"""Loading command payloads with marshmallow at the service edge."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from marshmallow import Schema, ValidationError, fields

from eventkit.errors import InvalidInput, NotFound


def _field_type_errors(field: fields.Field, value: Any, depth: int) -> Any:
    """The type error of one JSON value for `field`, or None.

    marshmallow's `Integer` takes `"40"` and `true` (it casts); JSON bodies are typed, so an
    integer field takes a JSON integer only (`40`, not `"40"`, `40.5`, `true`).
    """
    if value is None or depth > 16:
        return None
    if isinstance(field, fields.Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            return ["must be an integer (a JSON number without quotes)"]
        return None
    if isinstance(field, fields.Nested):
        nested = field.schema
        if field.many or getattr(nested, "many", False):
            if not isinstance(value, list):
                return None
            found = {i: e for i, item in enumerate(value)
                     if (e := strict_type_errors(nested, item, depth + 1))}
            return found or None
        return strict_type_errors(nested, value, depth + 1) or None
    if isinstance(field, fields.List) and isinstance(value, list):
        found = {i: e for i, item in enumerate(value)
                 if (e := _field_type_errors(field.inner, item, depth + 1))}
        return found or None
    if isinstance(field, fields.Dict) and isinstance(value, dict) and field.value_field:
        found = {k: e for k, item in value.items()
                 if (e := _field_type_errors(field.value_field, item, depth + 1))}
        return found or None
    return None


def strict_type_errors(schema: Schema, data: Any, depth: int = 0) -> dict[str, Any]:
    """`{field: [messages]}` for values of the wrong JSON type in `data` (see above)."""
    if not isinstance(data, dict):
        return {}
    errors: dict[str, Any] = {}
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        key = field.data_key or name
        if key in data:
            problem = _field_type_errors(field, data[key], depth)
            if problem:
                errors[key] = problem
    return errors


_INSTANCES: dict[tuple[type[Schema], Any], Schema] = {}


def schema_of(schema: Schema | type[Schema], unknown: Any = None) -> Schema:
    """The one instance of a schema class (built on first use; `unknown` as marshmallow's):
    building a marshmallow schema deep-copies its fields, which cost more than loading with
    it (issue 16: 6% of org's CPU per command, 5% of the gateway's per request). Schemas
    hold no state between loads."""
    if isinstance(schema, Schema):
        return schema
    instance = _INSTANCES.get((schema, unknown))
    if instance is None:
        instance = schema() if unknown is None else schema(unknown=unknown)
        _INSTANCES[(schema, unknown)] = instance
    return instance


def load(schema: Schema | type[Schema], payload: Any) -> Any:
    """Validated data, or InvalidInput (422) with `errors: {field: [messages]}`. `schema`
    is a class (its one instance is used) or an instance."""
    schema = schema_of(schema)
    if not isinstance(payload, dict):
        raise InvalidInput("the body must be a JSON object",
                           {"errors": {"_schema": ["not an object"]}})
    strict = strict_type_errors(schema, payload)
    if strict:
        raise InvalidInput("the request has invalid fields", {"errors": strict})
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
