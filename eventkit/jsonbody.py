"""JSON from outside (HTTP bodies, signed webhooks, partner messages), parsed defensively.

Three inputs made the platform answer 500 or write personal data to its logs:
- deeply nested JSON (`[[[[...]]]]`, 5,000 levels): `json.loads` raises `RecursionError`,
  which is not a `ValueError`, and anything walking the value recursively fails the same way;
- a lone UTF-16 surrogate (`"\\ud800"`): valid JSON, a valid Python `str`, but not encodable
  as UTF-8, so PostgreSQL refuses the event at append and its error context (part of the
  event's JSON, personal data included) went to the logs;
- NUL (`"\\u0000"`), which PostgreSQL cannot store in text or jsonb.
`loads` refuses all three as invalid input (422) before anything else sees the value.
"""

from __future__ import annotations

import json
from typing import Any

from eventkit.errors import InvalidInput

MAX_DEPTH = 32  # no schema of the API nests deeper than a handful of levels


def depth_exceeds(raw: bytes | str, limit: int = MAX_DEPTH) -> bool:
    """Whether brackets nest deeper than `limit` (a linear scan, before any recursion)."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def _bad_text(value: str) -> str | None:
    if "\x00" in value:
        return "must not contain NUL characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must not contain lone UTF-16 surrogates (not valid Unicode text)"
    return None


def text_problem(value: Any) -> str | None:
    """Why a string cannot be stored as text (NUL, lone surrogate), or None."""
    return _bad_text(value) if isinstance(value, str) else None


def unstorable(value: Any, path: str = "_body", depth: int = 0) -> dict[str, list[str]]:
    """Fields (dotted paths) holding text PostgreSQL cannot store, with the reason."""
    found: dict[str, list[str]] = {}
    if depth > MAX_DEPTH:
        return {path: ["is nested too deeply"]}
    if isinstance(value, str):
        problem = _bad_text(value)
        if problem:
            found[path] = [problem]
    elif isinstance(value, dict):
        for key, item in value.items():
            name = key if path == "_body" else f"{path}.{key}"
            if isinstance(key, str) and _bad_text(key):
                name = path
                found.setdefault(name, []).append(f"a field name {_bad_text(key)}")
                continue
            found.update(unstorable(item, name, depth + 1))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.update(unstorable(item, f"{path}.{index}", depth + 1))
    return found


def _may_hold_unstorable(raw: bytes | str) -> bool:
    """Whether parsed text could hold NUL or a lone surrogate: only through a `\\u` escape
    (strict JSON refuses a raw control character in a string, and valid UTF-8 holds no
    surrogate), or in a `str` that is not valid Unicode. The walk over every value of a
    large body is skipped otherwise (issue 16: a fifth of the partner ingest's shape check)."""
    try:
        if isinstance(raw, bytes):
            # json.loads also reads UTF-16/32 (NUL bytes) and decodes with surrogatepass
            raw.decode("utf-8")
            return b"\\u" in raw or b"\x00" in raw
        raw.encode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return True
    return "\\u" in raw or "\x00" in raw


def loads(raw: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """The parsed value, or InvalidInput (422) for invalid, too deep or unstorable JSON."""
    if depth_exceeds(raw, max_depth):
        raise InvalidInput(f"the body nests deeper than {max_depth} levels",
                           {"errors": {"_body": [f"nested deeper than {max_depth} levels"]}})
    try:
        value = json.loads(raw or b"null")
    except (ValueError, RecursionError):
        raise InvalidInput("the body is not valid JSON",
                           {"errors": {"_body": ["not valid JSON"]}}) from None
    bad = unstorable(value) if _may_hold_unstorable(raw) else {}
    if bad:
        # `_body` says it is the body's text; the fields say where
        errors = {"_body": ["holds text that cannot be stored (NUL or a lone surrogate)"],
                  **{k: v for k, v in bad.items() if k != "_body"}}
        raise InvalidInput("the body holds text that cannot be stored", {"errors": errors})
    return value
