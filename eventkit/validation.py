"""Loading command payloads with marshmallow at the service edge."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError

from eventkit.errors import InvalidInput


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
