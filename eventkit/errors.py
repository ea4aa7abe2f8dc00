"""Errors that cross the RPC boundary and map to HTTP problems in the gateway.

Domain code raises these (they import nothing); `eventkit.nameko_ext` registers them with
nameko so that a gateway calling over RPC gets the same class back, with its details.
"""

from __future__ import annotations

import json
from typing import Any


class CoopLeagueError(Exception):
    """Base class. `status` is the HTTP status the gateway answers with."""

    status = 500
    title = "Internal error"

    def __init__(self, detail: str, details: dict[str, Any] | str | None = None) -> None:
        # nameko turns every non-string leaf of an exception's args into a string on the way
        # over RPC (None -> "None", 3 -> "3"); the details travel as JSON text instead and
        # are decoded again when nameko rebuilds the exception on the caller's side.
        facts: dict[str, Any] = (json.loads(details) if isinstance(details, str) else details) or {}
        super().__init__(detail, json.dumps(facts, ensure_ascii=False, default=str))
        self.detail = detail
        self.details: dict[str, Any] = facts


class InvalidInput(CoopLeagueError):
    """The request is well-formed but its content breaks a rule of shape (HTTP 422).

    `details` may hold `errors: {field: [messages]}`.
    """

    status = 422
    title = "Invalid input"

    @classmethod
    def field(cls, name: str, message: str) -> InvalidInput:
        return cls(f"{name}: {message}", {"errors": {name: [message]}})


class RuleViolation(CoopLeagueError):
    """The command is valid but the current state refuses it (HTTP 409)."""

    status = 409
    title = "Conflict with the current state"


class NotFound(CoopLeagueError):
    status = 404
    title = "Not found"


class ConcurrencyConflict(RuleViolation):
    """Another writer appended to the stream first; reload and retry."""

    title = "Version conflict"


class Forbidden(CoopLeagueError):
    status = 403
    title = "Forbidden"


ALL_ERRORS: tuple[type[CoopLeagueError], ...] = (
    CoopLeagueError,
    InvalidInput,
    RuleViolation,
    NotFound,
    ConcurrencyConflict,
    Forbidden,
)
