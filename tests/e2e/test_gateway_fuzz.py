"""Fuzz run of the hostile inputs of issue 17 (items 1-4 and 9) against every write and list.

Hypothesis builds, for every POST/PATCH/PUT route, bodies whose every field holds a hostile
value chosen by the field's type (numeric strings, booleans, floats and huge numbers for
integers; lone surrogates, NUL, superscript and fullwidth resident IDs for text; 40-level
nesting for objects and lists), and sends deeply nested raw JSON too; for every list route it
sends forged cursors (`{"x":1}`, `[9]` in base64) and hostile query values. Every answer must
be below 500, and every refusal a problem+json. Path parameters are real ids of a small tree
(a unit, a member) or unknown ones, so some requests reach the services.

`make test` runs it with a fixed seed (`derandomize`); `FUZZ_EXAMPLES` raises the examples per
route (default 4) and `FUZZ_RANDOM=1` explores new ones.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import Schema, fields

import gateway.service  # noqa: F401  (registers every route)
from eventkit.identifiers import make_resident_id
from gateway import auth
from gateway.router import ROUTES, Route
from tests.e2e import test_gateway_kit as kit

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get(
    "FUZZ_RANDOM"), suppress_health_check=list(HealthCheck), database=None)

_RID = make_resident_id("371202", __import__("datetime").date(2001, 2, 3), "135")
HOSTILE_TEXT = ["\ud800", "a\udfffb", "x\x00y", "²" + _RID[1:],
                _RID.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
                "３７１２０２", "9" * 40, "eyJ4IjoxfQ", "", "😀" * 3]
HOSTILE_INT: list[Any] = ["40", "４０", "²", True, 40.5, 2**70, -(2**70), "1e3", None]
FORGED_CURSORS = ["eyJ4IjoxfQ", "Wzld", "W1tbXV1d", "eyJ4IjoxfQ.AAAAAAAAAAAAAAAAAAAAAA",
                  "%%%", "²"]
HOSTILE_QUERY = ["²", "４０", "9" * 30, "\x00", "-1", "eyJ4IjoxfQ", "true", "1.5",
                 "9999-12-31", "2024-02-30"]


def _deep(levels: int = 40) -> Any:
    value: Any = 1
    for i in range(levels):
        value = [value] if i % 2 else {"a": value}
    return value


def _value_for(field: fields.Field) -> st.SearchStrategy:
    if isinstance(field, fields.Integer | fields.Float | fields.Decimal):
        return st.sampled_from(HOSTILE_INT)
    if isinstance(field, fields.Nested):
        return st.sampled_from([_deep(), [_deep()], {"x": "\ud800"}, "40"])
    if isinstance(field, fields.List):
        return st.lists(st.one_of(st.sampled_from(HOSTILE_TEXT), st.sampled_from(HOSTILE_INT)),
                        max_size=3) | st.just([_deep()])
    if isinstance(field, fields.Dict):
        return st.sampled_from([{"\ud800": 1}, _deep(), {"a": "\x00"}])
    return st.sampled_from(HOSTILE_TEXT + HOSTILE_INT[:2])


def _body(schema: type[Schema]) -> st.SearchStrategy:
    instance = schema()
    names = {(f.data_key or n): _value_for(f) for n, f in instance.fields.items()
             if not f.dump_only}
    return st.fixed_dictionaries({}, optional=names) if names else st.just({})


def _query(schema: type[Schema] | None) -> st.SearchStrategy:
    names: dict[str, st.SearchStrategy] = {"cursor": st.sampled_from(FORGED_CURSORS)}
    if schema is not None:
        for n, f in schema().fields.items():
            key = f.data_key or n
            if key != "cursor":
                names[key] = st.sampled_from(HOSTILE_QUERY)
    return st.fixed_dictionaries({"cursor": names.pop("cursor")}, optional=names)


WRITES = [r for r in ROUTES if r.method in ("POST", "PATCH", "PUT")]
LISTS = [r for r in ROUTES if r.method == "GET"
         and (r.many or (r.query is not None and "cursor" in r.query().fields))]


@pytest.fixture(scope="module")
def ids(api) -> dict[str, str]:
    tree = kit.tree(api)
    return {"unit": tree["a"], "member": tree["member_a"]["id"]}


def _path(route: Route, ids: dict[str, str], known: bool) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1)
        if not known:
            return "nope-" + uuid.uuid4().hex[:6]
        if name in ("member_id",) or (name == "id" and route.path.startswith("/members")):
            return ids["member"]
        if name == "department":
            return "agriculture"
        return ids["unit"]

    return "/api/v1" + re.sub(r"{(\w+)}", fill, route.path)


def _token(api) -> str:
    # a fresh principal per request, so the per-principal rate limit does not answer 429s
    return auth.issue(f"fuzz-{uuid.uuid4().hex[:8]}", "league_committee", "admin",
                      key=api.secret)


def _check(r: requests.Response, what: str) -> None:
    assert r.status_code < 500, (what, r.status_code, r.text[:300])
    if r.status_code >= 400:
        assert r.headers["Content-Type"].startswith("application/problem+json"), what


@pytest.mark.timeout(900)
@pytest.mark.parametrize("route", WRITES, ids=lambda r: f"{r.method} {r.path}")
def test_hostile_bodies_never_get_a_server_error(api, ids, route):
    session = requests.Session()

    @SETTINGS
    @given(body=_body(route.body) if route.body is not None else st.just({}),
           known=st.booleans())
    def run(body: dict, known: bool) -> None:
        path = _path(route, ids, known)
        headers = {"Authorization": f"Bearer {_token(api)}",
                   "Content-Type": "application/json",
                   "Idempotency-Key": f"fuzz-{uuid.uuid4().hex}"}
        raw = json.dumps(body)  # lone surrogates travel as \ud800 escapes: valid JSON
        r = session.request(route.method, api.base + path, data=raw, headers=headers,
                            timeout=30)
        _check(r, f"{route.method} {path} {raw[:200]}")

    run()
    deep = b"[" * 5000 + b"]" * 5000
    r = session.request(route.method, api.base + _path(route, ids, True), data=deep,
                        headers={"Authorization": f"Bearer {_token(api)}",
                                 "Content-Type": "application/json"}, timeout=30)
    _check(r, f"{route.method} {route.path} deep")


@pytest.mark.timeout(900)
@pytest.mark.parametrize("route", LISTS, ids=lambda r: f"{r.method} {r.path}")
def test_forged_cursors_and_hostile_queries_never_get_a_server_error(api, ids, route):
    session = requests.Session()

    @SETTINGS
    @given(query=_query(route.query), known=st.booleans())
    def run(query: dict, known: bool) -> None:
        path = _path(route, ids, known)
        r = session.get(api.base + path, params=query, timeout=30,
                        headers={"Authorization": f"Bearer {_token(api)}"})
        _check(r, f"GET {path} {query}")

    run()
    for cursor in FORGED_CURSORS[:2]:
        path = _path(route, ids, True)
        r = session.get(api.base + path, params={"cursor": cursor}, timeout=30,
                        headers={"Authorization": f"Bearer {_token(api)}"})
        _check(r, f"GET {path} cursor={cursor}")
