"""Pure parts of the hostile-input fixes (issue 17); the HTTP behaviour is in
tests/e2e/test_hostile_input.py."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time

import jwt
import pytest
from marshmallow import Schema, fields

from eventkit import identifiers, jsonbody, pagination, validation
from eventkit.errors import InvalidInput
from gateway import abuse, auth, feed, policy

KEY = "unit-test-secret-0123456789abcdef0123456789"


# -- 1. cursors ----------------------------------------------------------------------------
@pytest.mark.parametrize("forged", ["eyJ4IjoxfQ", "Wzld", "eyJ4IjoxfQ.AAAA", "W1sxXV0", "%%%",
                                    "a.b.c", "\ud800", "x" * 3000])
def test_a_cursor_the_api_did_not_issue_is_refused(forged):
    with pytest.raises(InvalidInput) as err:
        pagination.decode(forged)
    assert err.value.details["errors"] == {"cursor": ["is not a cursor this API issued"]}


def test_an_issued_cursor_round_trips_and_a_tampered_one_is_refused():
    for key in ["abc", 7, ["2026-01-01", "id-1"], [None, "x"]]:
        assert pagination.decode(pagination.encode(key)) == key
    cursor = pagination.encode(["a", "b"])
    payload, _, signature = cursor.partition(".")
    other = base64.urlsafe_b64encode(json.dumps({"x": 1}).encode()).decode().rstrip("=")
    with pytest.raises(InvalidInput):
        pagination.decode(f"{other}.{signature}")
    assert pagination.decode(None) is None and pagination.decode("") is None


# -- 2, 3. deep JSON, lone surrogates, NUL ---------------------------------------------------
def test_deeply_nested_json_is_invalid_input_not_a_recursion_error():
    for raw in (b"[" * 5000 + b"]" * 5000, b'{"a":' * 5000 + b"1" + b"}" * 5000):
        with pytest.raises(InvalidInput) as err:
            jsonbody.loads(raw)
        assert "_body" in err.value.details["errors"]
    assert jsonbody.loads(b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}') == {
        "a": "[" * 36}


def test_a_lone_surrogate_or_nul_anywhere_is_refused_with_its_field():
    with pytest.raises(InvalidInput) as err:
        jsonbody.loads(b'{"name": "ok", "chair": "\\ud800x", "tags": ["a", "\\u0000"]}')
    errors = err.value.details["errors"]
    assert set(errors) == {"_body", "chair", "tags.1"}
    assert "surrogate" in errors["chair"][0] and "NUL" in errors["tags.1"][0]
    assert jsonbody.loads('{"name": "张红梅 \\ud83d\\ude00"}'.encode()) == {"name": "张红梅 😀"}


# -- 4, 5. ASCII identifiers ---------------------------------------------------------------
def test_resident_ids_and_codes_take_ascii_digits_only():
    good = identifiers.make_resident_id("371202", dt.date(2000, 5, 17), "123")
    assert identifiers.resident_id_problem(good) is None
    fullwidth = good.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    superscript = "²" + good[1:]
    assert "ASCII" in identifiers.resident_id_problem(fullwidth)
    assert "ASCII" in identifiers.resident_id_problem(superscript)
    assert not identifiers.ascii_digits("３７１２０２") and identifiers.ascii_digits("371202")
    uscc = identifiers.make_uscc("93", "371202", "MA3C4D5E")
    assert identifiers.uscc_problem(uscc) is None
    assert identifiers.uscc_problem(uscc[:2] + "３" + uscc[3:]) is not None


# -- 9. strict integers ----------------------------------------------------------------------
class _Part(Schema):
    count = fields.Int(required=True)


class _Body(Schema):
    members = fields.Int(required=True)
    parts = fields.List(fields.Nested(_Part))
    one = fields.Nested(_Part)
    ids = fields.List(fields.Int())
    name = fields.Str()


def test_integer_fields_take_json_integers_only():
    schema = _Body()
    assert validation.strict_type_errors(schema, {"members": 40, "parts": [{"count": 1}]}) == {}
    errors = validation.strict_type_errors(
        schema, {"members": "40", "parts": [{"count": True}], "one": {"count": 1.5},
                 "ids": [1, "2"], "name": "40"})
    assert set(errors) == {"members", "parts", "one", "ids"}
    assert set(errors["parts"]) == {0} and set(errors["ids"]) == {1}
    with pytest.raises(InvalidInput):
        validation.load(schema, {"members": "40"})
    assert validation.load(schema, {"members": 40}) == {"members": 40}


# -- 6, 8. keys of the whole principal -----------------------------------------------------
def test_limits_and_idempotency_are_keyed_on_the_whole_principal():
    a = auth.Principal("wang", "agriculture", "editor")
    assert abuse.principal_key(a) != abuse.principal_key(
        auth.Principal("wang", "agriculture", "editor", unit="u1"))
    assert abuse.principal_key(a) != abuse.principal_key(auth.Principal("wang", "tax", "editor"))
    assert abuse.principal_key(a) != abuse.principal_key(
        auth.Principal("wang", "agriculture", "viewer"))
    token = auth.issue("wang", "agriculture", "editor", key=KEY)
    spaced = auth.authenticate(f"Bearer    {token}  ", key=KEY)
    assert abuse.bucket_key(spaced) == abuse.bucket_key(auth.authenticate(f"Bearer {token}",
                                                                          key=KEY))


# -- 11, 13. feed trimming, county-wide partner administration -------------------------------
def test_a_scoped_caller_sees_only_the_unit_ids_in_its_scope():
    data = {"title": "x", "unit_ids": ["a", "b", "c"], "parts": [{"unit_id": "c"}],
            "nested": {"organizer_unit_ids": ["b", "z"]}}
    ids, trimmed = feed.trim_to_scope(["a", "b", "c"], data, ["b"])
    assert ids == ["b"]
    assert trimmed["unit_ids"] == ["b"] and trimmed["nested"]["organizer_unit_ids"] == ["b"]
    assert data["unit_ids"] == ["a", "b", "c"]  # the stored copy is untouched
    assert feed.trim_to_scope(["a"], data, None) == (["a"], data)


def test_partner_administration_is_county_wide_only():
    county = auth.Principal("x", "league_committee", "admin")
    scoped = auth.Principal("x", "league_committee", "admin", unit="u1")
    assert policy.allowed(county, "partners.admin")
    assert not policy.allowed(scoped, "partners.admin")
    assert "partners.admin" not in policy.allowed_actions(scoped)


# -- 15. token lifetime ----------------------------------------------------------------------
def _raw(claims: dict) -> str:
    return "Bearer " + jwt.encode(claims, KEY, algorithm="HS256")


def test_a_token_living_longer_than_the_maximum_is_refused(monkeypatch):
    now = int(time.time())
    base = {"sub": "s", "department": "tax", "role": "viewer"}
    assert auth.authenticate(_raw({**base, "iat": now, "exp": now + 12 * 3600}), key=KEY)
    with pytest.raises(auth.Unauthorized, match="maximum"):
        auth.authenticate(_raw({**base, "exp": now + 10 * 365 * 86400}), key=KEY)
    with pytest.raises(auth.Unauthorized, match="maximum"):
        auth.authenticate(_raw({**base, "iat": now - 3600, "exp": now + 12 * 3600}), key=KEY)
    with pytest.raises(auth.Unauthorized, match="iat|future"):
        auth.authenticate(_raw({**base, "iat": now + 3600, "exp": now + 7200}), key=KEY)
    monkeypatch.setenv("TOKEN_MAX_LIFETIME_SECONDS", "600")
    with pytest.raises(auth.Unauthorized, match="maximum"):
        auth.authenticate(_raw({**base, "iat": now, "exp": now + 3600}), key=KEY)


def test_a_long_lived_token_needs_the_explicit_flag(monkeypatch):
    with pytest.raises(ValueError, match="long-lived"):
        auth.issue("svc", "bank", "viewer", ttl=30 * 86400, key=KEY)
    token = auth.issue("svc", "bank", "viewer", ttl=30 * 86400, key=KEY, long_lived=True)
    assert auth.authenticate(f"Bearer {token}", key=KEY).sub == "svc"
    from gateway import tokens

    monkeypatch.setattr(auth, "ensure_secret_file", lambda: None)
    with pytest.raises(SystemExit):
        tokens.main(["--department", "bank", "--role", "viewer", "--ttl", str(30 * 86400)])


@pytest.mark.parametrize("raw", [
    b'{"a": "\\u0000"}',                                # NUL by escape
    '{"a": "\\ud800"}',                                 # lone surrogate by escape
    '{"a": "\ud800"}',                                  # lone surrogate in the text itself
    '{"a": "\\u0000"}'.encode("utf-16"),                # UTF-16: NUL bytes, no b"\\u"
    b'{"a": "\xed\xa0\x80"}',                           # a surrogate in UTF-8 (surrogatepass)
])
def test_unstorable_text_is_refused_whichever_encoding(raw):
    # issue 16 skips the walk over the value when the text cannot hold such a character:
    # every way of writing one must still be found
    with pytest.raises(InvalidInput) as err:
        jsonbody.loads(raw)
    assert "cannot be stored" in err.value.detail


def test_plain_text_parses_without_the_walk():
    text = '{"名称": "大庄镇", "n": [1, 2]}'
    assert jsonbody.loads(text.encode()) == {"名称": "大庄镇", "n": [1, 2]}
