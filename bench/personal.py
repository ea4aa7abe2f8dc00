"""The cost of encrypting personal fields (issue 15): `python bench/personal.py [--quick]`.

Same machine, same run, the same event (a member's registration: name, resident ID, birth
date, phone and eight plain fields), appended through `EventStore`:
- "plain": the event's schema declares nothing personal (the store before issue 15);
- "encrypted, new person": every stream is a new person: a data key is made, wrapped by the
  master key and stored in the same transaction (the worst case: registrations);
- "encrypted, known person": events of people whose key exists (cached after first use);
and the feed read rate of plain and encrypted events (decryption on read), and the raw
AES-GCM cost per field. Prints a table for docs/benchmarks.md.
"""

from __future__ import annotations

import eventlet

eventlet.monkey_patch()

import os  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

from marshmallow import Schema, fields  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eventkit import db, migrate, personal  # noqa: E402
from eventkit.aggregate import NewEvent  # noqa: E402
from eventkit.personal import Keyring, KeyStore, Personal  # noqa: E402
from eventkit.registry import EventRegistry  # noqa: E402
from eventkit.store import EventStore  # noqa: E402

DSN = os.environ.get("BENCH_DSN", "postgresql://postgres@127.0.0.1:5432/coopleague_bench")
QUICK = "--quick" in sys.argv
SECONDS = 3.0 if QUICK else 8.0
DATA = {"kind": "league_member", "name": "王芳芳", "sex": "female", "ethnicity": "汉族",
        "resident_id": "37120220010304123X", "birth_date": "2001-03-04",
        "phone": "13912345678", "education": "高中", "occupation": "果农",
        "cooperative_id": None, "unit_id": "u" * 32, "join_date": "2018-05-04"}


def registry(encrypted: bool) -> EventRegistry:
    reg = EventRegistry("bench")

    @reg.event("MemberRegistered", version=1)
    class MemberRegistered(Schema):
        kind = fields.Str(required=True)
        name = fields.Str(required=True)
        sex = fields.Str(required=True)
        ethnicity = fields.Str(required=True)
        resident_id = fields.Str(required=True)
        birth_date = fields.Str(required=True)
        phone = fields.Str(required=True, allow_none=True)
        education = fields.Str(required=True, allow_none=True)
        occupation = fields.Str(required=True, allow_none=True)
        cooperative_id = fields.Str(required=True, allow_none=True)
        unit_id = fields.Str(required=True)
        join_date = fields.Str(required=True)

    if encrypted:
        MemberRegistered.personal = Personal(  # type: ignore[attr-defined]
            ("name", "resident_id", "birth_date", "phone"))
    return reg


def fresh_schema() -> str:
    schema = f"bench_pii_{uuid.uuid4().hex[:6]}"
    migrate.migrate("kit", DSN, schema)
    return schema


def drop(schema: str) -> None:
    conn = db.connect(DSN, "public")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    conn.close()


def store_for(schema: str, encrypted: bool) -> EventStore:
    keys = KeyStore(schema, Keyring([os.urandom(32)]))
    keys.forget_cache()
    return EventStore(schema, registry(encrypted), keys)


def append_rate(encrypted: bool, per_tx: int, known_people: int = 0) -> float:
    """Events/s for SECONDS, one writer; `known_people` > 0: streams of that many people
    whose keys exist (appends continue their streams)."""
    schema = fresh_schema()
    store = store_for(schema, encrypted)
    conn = db.connect(DSN, schema, statement_timeout_ms=0)
    versions: dict[str, int] = {}
    try:
        with conn.cursor() as cur:
            for p in range(known_people):
                store.append(cur, f"member-k{p}", 0, [NewEvent("MemberRegistered", DATA)], {})
                versions[f"member-k{p}"] = 1
        conn.commit()
        count, i = 0, 0
        started = time.monotonic()
        deadline = started + SECONDS
        while time.monotonic() < deadline:
            stream = f"member-k{i % known_people}" if known_people else f"member-n{i}"
            version = versions.get(stream, 0)
            with conn.cursor() as cur:
                store.append(cur, stream, version,
                             [NewEvent("MemberRegistered", DATA)] * per_tx, {"actor": "bench"})
            conn.commit()
            versions[stream] = version + per_tx
            count += per_tx
            i += 1
        return count / (time.monotonic() - started)
    finally:
        conn.close()
        drop(schema)


def feed_rate(encrypted: bool) -> float:
    schema = fresh_schema()
    store = store_for(schema, encrypted)
    conn = db.connect(DSN, schema, statement_timeout_ms=0)
    total = 10_000 if QUICK else 50_000
    try:
        with conn.cursor() as cur:
            for i in range(total // 100):  # 100 people, 100 events each per batch
                store.append(cur, f"member-f{i % 100}", (i // 100) * 100,
                             [NewEvent("MemberRegistered", DATA)] * 100, {})
                conn.commit()
        store.keys.forget_cache()
        started = time.monotonic()
        seen = after = 0
        with conn.cursor() as cur:
            while True:
                batch = store.read_feed(cur, after, 2000)
                if not batch:
                    break
                assert batch[0]["data"]["name"] == DATA["name"]
                seen += len(batch)
                after = batch[-1]["position"]
        return seen / (time.monotonic() - started)
    finally:
        conn.close()
        drop(schema)


def field_cost_us() -> tuple[float, float]:
    key = os.urandom(32)
    n = 20_000
    started = time.perf_counter()
    tokens = [personal.encrypt_value(key, "m1", "name", "王芳芳") for _ in range(n)]
    enc = (time.perf_counter() - started) / n * 1e6
    started = time.perf_counter()
    for t in tokens:
        personal.decrypt_value(key, "m1", "name", t)
    dec = (time.perf_counter() - started) / n * 1e6
    return enc, dec


def main() -> int:
    migrate.ensure_database(DSN)
    rows = []
    for label, per_tx in (("append 1 event/tx", 1), ("append 100 events/tx", 100)):
        plain = append_rate(False, per_tx)
        new = append_rate(True, per_tx)
        known = append_rate(True, per_tx, known_people=200)
        rows.append((label, plain, new, known))
    plain_feed, enc_feed = feed_rate(False), feed_rate(True)
    enc, dec = field_cost_us()
    print("| workload (1 writer) | plain | encrypted, new person | encrypted, known person |")
    print("|---|---:|---:|---:|")
    for label, plain, new, known in rows:
        print(f"| {label} (events/s) | {plain:,.0f} | {new:,.0f} ({new / plain - 1:+.0%})"
              f" | {known:,.0f} ({known / plain - 1:+.0%}) |")
    print(f"| feed read (events/s) | {plain_feed:,.0f} | | {enc_feed:,.0f}"
          f" ({enc_feed / plain_feed - 1:+.0%}) |")
    print(f"\nAES-256-GCM per field: encrypt {enc:.1f} µs, decrypt {dec:.1f} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
