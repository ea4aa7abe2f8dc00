"""JSON on the wire, encoded and decoded by orjson: RPC requests and replies, the gateway's
answers.

Issue 16's profiles: encoding and decoding JSON with the standard library was 15-20% of the
gateway's and about 10% of org's CPU under the list load; orjson does the same work in a
fraction of the time.

The RPC wire format does not change. kombu's `json` serializer writes a date, a time, a
Decimal as `{"__type__": ..., "__value__": ...}` and turns them back into objects on the
other side (a date a gateway's query schema loaded reaches a service as a date); this
serializer writes them exactly so (kombu's own encoder names them) and hands a message that
holds such a marker to kombu's decoder. Anything orjson refuses (an integer past 64 bits)
is encoded by kombu's encoder. (Decoding, orjson reads such an integer as a float: no value
of the platform comes near 2**63.) Messages stay `application/json`, so a process without this
serializer (a test's RPC proxy) reads and writes the same messages.
"""

from __future__ import annotations

import json
from typing import Any

import kombu.serialization
import kombu.utils.json as kombu_json
import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
_typed = kombu_json.JSONEncoder().default  # datetime, date, time, Decimal, bytes, __json__
_MARKER = b'"__type__"'
_MARKER_TEXT = _MARKER.decode()


def dumps(value: Any) -> bytes:
    """A message body: what kombu's json serializer writes, faster."""
    try:
        return orjson.dumps(value, default=_typed, option=_OPTIONS)
    except orjson.JSONEncodeError:
        return kombu_json.dumps(value).encode()


def loads(body: bytes | str | memoryview | bytearray) -> Any:
    """A message body back to values; typed markers decoded as kombu's own serializer does."""
    if isinstance(body, (memoryview, bytearray)):
        body = bytes(body)
    typed = _MARKER_TEXT in body if isinstance(body, str) else _MARKER in body
    return kombu_json.loads(body) if typed else orjson.loads(body)


def compact(value: Any) -> bytes:
    """JSON as UTF-8 without spaces: the gateway's answers, the relays' and the outbound
    publisher's message bodies (what `json.dumps(ensure_ascii=False, separators=(",", ":"))`
    writes, the same values)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def db_json(value: Any) -> str:
    """A JSON value as text for a jsonb parameter (psycopg2's `Json(value, dumps=db_json)`):
    orjson where it can; anything it refuses, or would write where the standard library
    refuses (a datetime, a dataclass), goes through `json.dumps`, so what fails fails as
    before; so does a value whose text holds a null, which may be a NaN orjson wrote as
    null (the standard library writes NaN, which PostgreSQL refuses). UTF-8 rather than
    escapes: the same jsonb."""
    try:
        text = orjson.dumps(value, option=_DB_OPTIONS)
    except TypeError:
        return json.dumps(value)
    return json.dumps(value) if b"null" in text else text.decode()


_DB_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS \
    | orjson.OPT_PASSTHROUGH_SUBCLASS


def install() -> None:
    """Make kombu's `json` serializer this one, in this process (idempotent)."""
    kombu.serialization.register("json", dumps, loads, content_type="application/json",
                                 content_encoding="utf-8")
