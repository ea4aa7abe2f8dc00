"""Crypto-shredding in the real store: encrypted at rest, clear to readers, erased by key
deletion (new events too), master-key rotation re-wraps and everything still reads."""

from __future__ import annotations

import os

import pytest
from marshmallow import Schema, fields

from eventkit import db
from eventkit.aggregate import NewEvent
from eventkit.identifiers import ERASED
from eventkit.personal import Keyring, KeyStore, Personal
from eventkit.registry import EventRegistry
from eventkit.store import EventStore

registry = EventRegistry("pii-test")


@registry.event("PersonNoted", version=1)
class PersonNoted(Schema):
    personal = Personal(("name", "phone"))
    name = fields.Str(required=True)
    phone = fields.Str(required=True, allow_none=True)
    note = fields.Str(required=True)


@pytest.fixture
def setup(dsn, kit_schema):
    old = os.urandom(32)
    keys = KeyStore(kit_schema, Keyring([old]))
    keys.forget_cache()
    store = EventStore(kit_schema, registry, keys)
    pool = db.Pool(dsn, kit_schema, size=2)
    yield store, pool, old
    keys.forget_cache()
    pool.close()


def _note(store, cur, person: str, version: int, name: str, phone: str) -> list[dict]:
    return store.append(cur, f"person-{person}", version,
                        [NewEvent("PersonNoted", {"name": name, "phone": phone,
                                                  "note": "公开备注"})], {})


def test_stored_encrypted_read_clear_erased_by_key(setup, kit_schema):
    store, pool, _ = setup
    with pool.transaction() as cur:
        _note(store, cur, "p1", 0, "李小明", "13800001234")
        _note(store, cur, "p2", 0, "王芳", "13900005678")
    with pool.transaction() as cur:
        cur.execute(f'SELECT data::text FROM "{kit_schema}".events')
        raw = " ".join(r[0] for r in cur.fetchall())
        assert "李小明" not in raw and "13800001234" not in raw and "公开备注" in raw
        assert [e["data"]["name"] for e in store.read_stream(cur, "person-p1")] == ["李小明"]
        assert store.keys.erase(cur, "p1", "test") is True
    with pool.transaction() as cur:
        feed = {e["stream_id"]: e["data"] for e in store.read_feed(cur, 0)}
        # a new event of an erased person is stored erased, and reads so at once
        envs = _note(store, cur, "p1", 1, "李小明", "13800001234")
        assert envs[0]["data"]["name"] == ERASED
    assert feed["person-p1"] == {"name": ERASED, "phone": ERASED, "note": "公开备注"}
    assert feed["person-p2"]["name"] == "王芳"
    fresh = EventStore(kit_schema, registry, KeyStore(kit_schema, store.keys.keyring))
    fresh.keys.forget_cache()  # another process: nothing cached, the key is gone in the table
    with pool.transaction() as cur:
        names = [e["data"]["name"] for e in fresh.read_stream(cur, "person-p1")]
        cur.execute(f'SELECT data::text FROM "{kit_schema}".events')
        assert "李小明" not in " ".join(r[0] for r in cur.fetchall())
    assert names == [ERASED, ERASED]


def test_rolled_back_key_is_not_used_later(setup):
    store, pool, _ = setup
    with pytest.raises(RuntimeError), pool.transaction() as cur:
        _note(store, cur, "p3", 0, "赵六", "13700000000")
        store.read_stream(cur, "person-p3")  # reads the uncommitted key in this transaction
        raise RuntimeError("roll back")
    with pool.transaction() as cur:
        _note(store, cur, "p3", 0, "赵六", "13700000000")
    store.keys.forget_cache()
    with pool.transaction() as cur:
        assert store.read_stream(cur, "person-p3")[0]["data"]["name"] == "赵六"


def test_master_key_rotation_rewraps_every_data_key(setup, kit_schema):
    store, pool, old = setup
    with pool.transaction() as cur:
        for i in range(5):
            _note(store, cur, f"r{i}", 0, f"人{i}", "13800001234")
    new = os.urandom(32)
    rotating = KeyStore(kit_schema, Keyring([new, old]))
    with pool.transaction() as cur:
        assert rotating.rotate(cur) == 5
        cur.execute(f'SELECT DISTINCT master_id FROM "{kit_schema}".personal_keys')
        assert [r[0] for r in cur.fetchall()] == [Keyring([new]).current_id]
    only_new = EventStore(kit_schema, registry, KeyStore(kit_schema, Keyring([new])))
    only_new.keys.forget_cache()
    with pool.transaction() as cur:
        names = sorted(e["data"]["name"] for e in only_new.read_feed(cur, 0))
        assert rotating.rotate(cur) == 0  # nothing left to re-wrap
    assert names == [f"人{i}" for i in range(5)]
