"""The kernel's process settings of issue 16: the collector settled after start, and JSON on
the wire by orjson in kombu's own format."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal

import kombu.serialization
import kombu.utils.json as kombu_json

from eventkit import wire

SETTLE = """
import gc, json, sys
from eventkit import heap
before = gc.get_freeze_count()
heap.settle(); heap.settle()
print(json.dumps({"before": before, "frozen": gc.get_freeze_count(),
                  "threshold": gc.get_threshold()[0]}))
"""


def test_settle_freezes_the_started_heap_once_and_raises_the_first_threshold():
    done = subprocess.run([sys.executable, "-c", SETTLE], capture_output=True, text=True,
                          timeout=60, env={"GC_THRESHOLD": "12345", "PATH": "/usr/bin"},
                          cwd=str(__import__("pathlib").Path(__file__).resolve().parents[3]))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["before"] == 0 and out["frozen"] > 1000
    assert out["threshold"] == 12345


def test_wire_writes_what_kombus_json_reads_and_reads_what_it_writes():
    value = {"on": dt.date(2026, 3, 1), "at": dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC),
             "amount": Decimal("12.50"), "name": "大庄镇团支部", "n": [1, None, True],
             7: "a key that is not text"}
    ours = wire.dumps(value)
    # kombu's own decoder gets the same values back (dates and decimals typed)
    assert kombu_json.loads(ours) == {**{k: v for k, v in value.items() if k != 7},
                                      "7": "a key that is not text"}
    # and ours reads kombu's encoding
    theirs = kombu_json.dumps({"on": dt.date(2026, 3, 1), "text": "团"})
    assert wire.loads(theirs) == {"on": dt.date(2026, 3, 1), "text": "团"}
    assert wire.loads(theirs.encode()) == {"on": dt.date(2026, 3, 1), "text": "团"}
    # an integer orjson cannot hold falls back to kombu's encoder
    assert json.loads(wire.dumps({"big": 2**70})) == {"big": 2**70}


def test_install_makes_kombus_json_serializer_ours():
    wire.install()
    content_type, encoding, body = kombu.serialization.dumps({"a": dt.date(2026, 1, 2)}, "json")
    assert (content_type, encoding) == ("application/json", "utf-8")
    assert isinstance(body, bytes)
    assert kombu.serialization.loads(body, content_type, encoding) == {"a": dt.date(2026, 1, 2)}


def test_http_bodies_are_compact_utf8_json():
    assert wire.compact({"名称": "团委", "n": 1}) == '{"名称":"团委","n":1}'.encode()


def test_db_json_writes_the_same_json_values_as_the_standard_library():
    values = [
        {"name": "合作社", "amount_fen": 123456, "ok": True, "tags": ["a", "b"], "n": 1.5},
        {"nested": {"deep": [1, {"x": "y\n\t\"q\""}]}, "big": 2**62, "neg": -3},
        {1: "an integer key"},  # orjson refuses it: the standard library writes "1"
        {"escaped": "\u0001 and </script> and \\"}, [], {}, "text", 7,
    ]
    for value in values:
        assert json.loads(wire.db_json(value)) == json.loads(json.dumps(value))


def test_db_json_fails_where_the_standard_library_fails():
    # a NaN: the standard library writes NaN (PostgreSQL refuses the jsonb), never null
    assert wire.db_json({"x": float("nan")}) == json.dumps({"x": float("nan")})
    assert wire.db_json({"x": None}) == '{"x": null}'
    for unstorable in ({"when": dt.date(2026, 1, 1)}, {"amount": Decimal("1.5")}, {"x": {1, 2}}):
        try:
            wire.db_json(unstorable)
        except TypeError:
            continue
        raise AssertionError(f"{unstorable!r} was written")
