"""The pure parts of crypto-shredding: sealing, opening, erased values, master-key wrapping."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.exceptions import InvalidTag

from eventkit import personal
from eventkit.identifiers import ERASED, mask
from eventkit.personal import Keyring, Personal

DECL = Personal(("name", "birth_date", "phone"), erased={"birth_date": None})
DATA = {"name": "王芳", "birth_date": "2001-03-04", "phone": None, "kind": "league_member"}


def test_sealed_data_holds_no_clear_personal_value_and_opens_again():
    key = os.urandom(32)
    stored = personal.seal(DECL, "m1", key, DATA)
    assert "王芳" not in repr(stored) and "2001-03-04" not in repr(stored)
    assert personal.is_sealed(stored["name"]) and stored["kind"] == "league_member"
    assert stored["phone"] is None  # nothing to hide
    assert personal.open_(DECL, "m1", key, stored) == DATA


def test_without_the_key_fields_read_erased_in_their_type():
    stored = personal.seal(DECL, "m1", os.urandom(32), DATA)
    opened = personal.open_(DECL, "m1", None, stored)
    assert opened == {"name": ERASED, "birth_date": None, "phone": None,
                      "kind": "league_member"}
    # an erased subject's new events are stored erased, never in clear
    assert personal.seal(DECL, "m1", None, DATA)["name"] == ERASED


def test_a_value_moved_to_another_subject_or_field_does_not_open():
    key = os.urandom(32)
    token = personal.encrypt_value(key, "m1", "name", "王芳")
    with pytest.raises(InvalidTag):
        personal.decrypt_value(key, "m2", "name", token)
    with pytest.raises(InvalidTag):
        personal.decrypt_value(key, "m1", "phone", token)


def test_subject_is_the_stream_or_a_declared_field():
    assert DECL.subject_of("member-abc-1", {}) == "abc-1"
    by_field = Personal(("name",), subject="person_id")
    assert by_field.subject_of("committee-x", {"person_id": "p9"}) == "p9"
    assert by_field.subject_of("committee-x", {"person_id": None}) is None


def test_keyring_rotation_unwraps_old_wraps_new():
    old, new = os.urandom(32), os.urandom(32)
    data_key = os.urandom(32)
    master_id, wrapped = Keyring([old]).wrap("m1", data_key)
    rotated = Keyring([new, old])
    assert rotated.current_id != master_id
    assert rotated.unwrap("m1", master_id, wrapped) == data_key
    new_id, rewrapped = rotated.wrap("m1", data_key)
    assert Keyring([new]).unwrap("m1", new_id, rewrapped) == data_key
    with pytest.raises(RuntimeError):
        Keyring([new]).unwrap("m1", master_id, wrapped)  # the old key is gone


def test_keyring_configuration():
    k1, k2 = os.urandom(32), os.urandom(32)
    text = f"# current first\n{base64.b64encode(k1).decode()}\n{base64.b64encode(k2).decode()}"
    assert Keyring.parse(text) == [k1, k2]
    with pytest.raises(RuntimeError):
        Keyring([b"short"])
    with pytest.raises(RuntimeError):
        Keyring([])


def test_mask_leaves_erased_alone():
    assert mask(ERASED) == ERASED
    assert mask("13800001234") == "*******1234"
