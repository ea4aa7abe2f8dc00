"""The gateway's feed table against the real PostgreSQL: dense positions, order, tracking."""

from __future__ import annotations

import random
import threading
import time
import uuid

import pytest

from eventkit import db, migrate
from eventkit.tracking import Tracker
from gateway import feed, policy


@pytest.fixture
def gw(dsn):
    schema = f"gw_{uuid.uuid4().hex[:10]}"
    migrate.migrate("gateway", dsn, schema)
    pool = db.Pool(dsn, schema, size=8)
    yield pool
    pool.close()
    conn = db.connect(dsn, "public")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP SCHEMA "{schema}" CASCADE')
    conn.close()


def envelope(source_position: int, stream: str = "member-m1", **data) -> dict:
    return {"position": source_position, "event_id": str(uuid.uuid4()), "stream_id": stream,
            "version": 1, "type": "MemberRegistered", "schema_version": 1,
            "occurred_at": "2026-05-01T08:00:00+00:00",
            "data": data or {"unit_id": "u1", "phone": "13812345678"},
            "metadata": {"actor": "league_committee:x", "correlation_id": "c1"}}


def test_concurrent_sources_get_dense_positions_and_a_follower_misses_nothing(gw):
    per_source, sources = 150, ["org", "activities", "funding", "assessment"]
    done = threading.Event()
    seen: list[int] = []

    def writer(source: str) -> None:
        projector = feed.FeedProjector(source)
        position = 0
        while position < per_source:
            batch = random.randint(1, 7)
            with gw.transaction() as cur:
                for _ in range(min(batch, per_source - position)):
                    position += 1
                    projector.apply(cur, envelope(position, f"unit-{source}{position}"))

    def follower() -> None:
        after = 0
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            finished = done.is_set()
            with gw.transaction() as cur:
                rows = feed.read(cur, after, 1000, list(policy.POLICY), None)
            for row in rows:
                seen.append(row["position"])
                after = row["position"]
            if finished and not rows:
                return

    threads = [threading.Thread(target=writer, args=(s,), daemon=True) for s in sources]
    reader = threading.Thread(target=follower, daemon=True)
    reader.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    done.set()
    reader.join(timeout=95)
    assert not any(t.is_alive() for t in [*threads, reader]), "writers or follower stuck"
    total = per_source * len(sources)
    assert seen == list(range(1, total + 1))


def test_the_tracker_applies_each_event_once_in_source_order(gw):
    source = [envelope(p, f"member-m{p % 3}") for p in range(1, 21)]
    tracker = Tracker(gw, "gateway", "org", feed.FeedProjector("org"),
                      lambda after, limit: [e for e in source if e["position"] > after][:limit])
    shuffled = source[:] + random.sample(source, 10)
    random.shuffle(shuffled)
    for env in shuffled:
        tracker.handle(env)
    tracker.catch_up()
    with gw.transaction() as cur:
        rows = feed.read(cur, 0, 100, ["members.read"], None)
        assert feed.tracked_positions(cur) == {"org": 20}
    assert [r["source_position"] for r in rows] == list(range(1, 21))
    assert [r["position"] for r in rows] == list(range(1, 21))
    assert all(r["data"]["phone"] == "*******5678" for r in rows)


def test_an_event_naming_no_unit_inherits_its_streams_units(gw):
    projector = feed.FeedProjector("org")
    with gw.transaction() as cur:
        projector.apply(cur, envelope(1, "member-m9", unit_id="u7"))
        projector.apply(cur, envelope(2, "member-m9", reason="moved away"))
        projector.apply(cur, envelope(3, "member-m9", from_unit_id="u7", to_unit_id="u8"))
        projector.apply(cur, envelope(4, "member-m9", reason="left"))
        rows = feed.read(cur, 0, 10, ["members.read"], None)
        assert [r["unit_ids"] for r in rows] == [["u7"], ["u7"], ["u7", "u8"], ["u7", "u8"]]
        assert [r["position"] for r in feed.read(cur, 0, 10, ["members.read"], ["u8"])] == [3, 4]
        assert feed.read(cur, 0, 10, ["units.read"], None) == []  # another action


def test_a_batch_lands_in_the_feed_as_the_same_events_one_at_a_time(gw):
    """FeedProjector.apply_many (the trackers' batches) against apply per event: the same
    rows, units inherited within the batch and from earlier batches, the same stream units."""
    def stream_events(offset: int) -> list[dict]:
        return [envelope(offset + 1, "member-a", unit_id="u1", phone="13800001111"),
                envelope(offset + 2, "member-a", reason="no unit named"),
                envelope(offset + 3, "member-b", reason="unknown stream, no unit"),
                envelope(offset + 4, "member-a", from_unit_id="u1", to_unit_id="u2"),
                envelope(offset + 5, "member-b", unit_id="u3"),
                envelope(offset + 6, "member-a", reason="inherits u1, u2")]

    def project(source: str, batched: bool) -> tuple[list, dict]:
        projector = feed.FeedProjector(source)
        first, second = stream_events(0), stream_events(6)
        for part in (first, second):  # the second part inherits what the first stored
            with gw.transaction() as cur:
                if batched:
                    projector.apply_many(cur, part)
                else:
                    for env in part:
                        projector.apply(cur, env)
        with gw.transaction() as cur:
            cur.execute("SELECT source_position, type, stream_id, unit_ids, action, actor,"
                        " correlation_id, data, metadata FROM feed WHERE source = %s"
                        " ORDER BY position", (source,))
            rows = cur.fetchall()
            cur.execute("SELECT stream_id, unit_ids FROM stream_units WHERE source = %s",
                        (source,))
            return rows, dict(cur.fetchall())

    one_by_one = project("activities", batched=False)
    batched = project("funding", batched=True)
    assert batched == one_by_one
    rows, units = batched
    assert [r[3] for r in rows[:6]] == [["u1"], ["u1"], [], ["u1", "u2"], ["u3"], ["u1", "u2"]]
    assert rows[6][3] == ["u1"] and rows[8][3] == ["u3"]  # from the first batch's streams
    assert units == {"member-a": ["u1", "u2"], "member-b": ["u3"]}
    assert rows[0][7]["phone"] == "*******1111"
