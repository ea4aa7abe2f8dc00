"""The partner consumer against the real broker and database (no nameko).

Each test module gets its own vhost and a fresh funding schema; partner broker users get
unique names and are deleted afterwards. The consumer runs in a thread of the test process.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import subprocess
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import amqp
import pytest

from eventkit import db, migrate
from eventkit.amqp_uri import connection_args
from eventkit.identifiers import make_resident_id, make_uscc
from services.funding import partners
from services.funding.contract.events import registry
from services.funding.ingest import Ingest
from services.funding.projections import projector
from tests.conftest import wait_until

SECRET = b"integration-person-key"


def _ctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def broker(amqp_uri) -> Iterator[str]:
    """A vhost of its own, so the platform's consumer never takes these messages."""
    host = f"it_funding_{uuid.uuid4().hex[:8]}"
    _ctl("add_vhost", host)
    _ctl("set_permissions", "-p", host, "guest", ".*", ".*", ".*")
    args = connection_args(amqp_uri)
    uri = f"amqp://guest:guest@{args['host']}/{host}"
    partners.ensure_topology(uri)
    yield uri
    _ctl("delete_vhost", host)


@pytest.fixture(scope="module")
def schema(dsn) -> Iterator[str]:
    name = f"it_funding_{uuid.uuid4().hex[:8]}"
    migrate.migrate("funding", dsn, name)
    yield name
    conn = db.connect(dsn, "public")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    conn.close()


@pytest.fixture(scope="module")
def pool(dsn, schema) -> Iterator[db.Pool]:
    p = db.Pool(dsn, schema, size=3)
    yield p
    p.close()


class Partner:
    def __init__(self, partner_id: str, password: str, uri: str) -> None:
        self.id = partner_id
        self.uri = partners.partner_amqp_uri(partner_id, password, uri)

    def publish(self, event_type: str, body: Any, *, message_id: str | None = None,
                routing_key: str | None = None, user_id: str | None = "self",
                raw: bytes | None = None) -> str:
        message_id = message_id or uuid.uuid4().hex
        conn = amqp.Connection(**connection_args(self.uri), confirm_publish=True)
        conn.connect()
        try:
            ch = conn.channel()
            props: dict[str, Any] = {"content_type": "application/json", "delivery_mode": 2,
                                     "message_id": message_id, "type": event_type}
            if user_id is not None:
                props["user_id"] = self.id if user_id == "self" else user_id
            payload = raw if raw is not None else json.dumps(body).encode()
            ch.basic_publish(amqp.Message(payload, **props), exchange=partners.EXCHANGE,
                             routing_key=routing_key or f"{self.id}.{event_type}")
        finally:
            conn.close()
        return message_id


@pytest.fixture(scope="module")
def partner(broker, pool) -> Iterator[Partner]:
    partner_id = f"it-{uuid.uuid4().hex[:10]}"
    password = secrets.token_urlsafe(16)
    partners.create_broker_user(partner_id, password, broker)
    with pool.transaction() as cur:
        cur.execute("INSERT INTO partners (id, name, kind) VALUES (%s, 'IT bank', 'bank')",
                    (partner_id,))
    yield Partner(partner_id, password, broker)
    partners.delete_broker_user(partner_id)


class FlakyIngest(Ingest):
    """Raises for a poison message id, every time (a handler bug, not a bad message)."""

    poison: set[str] = set()
    attempts: dict[str, int] = {}

    def process(self, items, retries: int = 5):
        for item in items:
            if item.message_id in self.poison:
                self.attempts[item.message_id] = self.attempts.get(item.message_id, 0) + 1
        if any(item.message_id in self.poison for item in items):
            raise RuntimeError("a handler bug")
        return super().process(items, retries)


@pytest.fixture(scope="module")
def consumer(broker, pool) -> Iterator[partners.PartnerConsumer]:
    ingest = FlakyIngest(pool, registry, projector, SECRET, schema=pool.schema)
    running = partners.PartnerConsumer(ingest, broker, prefetch=200, batch_size=50,
                                       batch_wait=0.02)
    stop = threading.Event()
    thread = threading.Thread(target=running.run, args=(stop,), daemon=True)
    thread.start()
    yield running
    stop.set()
    thread.join(timeout=10)


def grant_body(grant_id: str, **changes: Any) -> dict[str, Any]:
    body = {"grant_id": grant_id,
            "beneficiary": {"kind": "person", "name": "Wang Fang",
                            "id_number": make_resident_id("371202", dt.date(1998, 4, 1), "123")},
            "amount_fen": 3_000_000, "term_months": 24, "annual_rate_bp": 385,
            "guarantee": "guarantee_fund", "purpose": "greenhouses",
            "granted_at": "2026-03-01T09:00:00+08:00"}
    body.update(changes)
    return body


def counters(pool, partner_id: str) -> dict[str, int]:
    with pool.transaction() as cur:
        cur.execute("SELECT coalesce(sum(accepted), 0), coalesce(sum(held), 0),"
                    " coalesce(sum(duplicate), 0), coalesce(sum(rejected), 0)"
                    " FROM partner_counters WHERE partner_id = %s", (partner_id,))
        row = cur.fetchone()
    return dict(zip(("accepted", "held", "duplicate", "rejected"), map(int, row), strict=True))


def grant(pool, key: str) -> dict[str, Any] | None:
    with pool.transaction() as cur:
        cur.execute("SELECT status, amount_fen, disbursed_fen, outstanding_fen, held_events,"
                    " id_last4, beneficiary_name FROM credit_grants WHERE id = %s", (key,))
        row = cur.fetchone()
    if row is None:
        return None
    return dict(zip(("status", "amount_fen", "disbursed_fen", "outstanding_fen", "held_events",
                     "id_last4", "beneficiary_name"), row, strict=True))


def dead_letters(uri: str) -> list[amqp.Message]:
    """Read (and requeue) what is in partners.dead."""
    conn = amqp.Connection(**connection_args(uri))
    conn.connect()
    out = []
    try:
        ch = conn.channel()
        while True:
            msg = ch.basic_get(partners.DEAD_QUEUE, no_ack=False)
            if msg is None:
                break
            out.append(msg)
        ch.close()  # unacked: back to the queue
    finally:
        conn.close()
    return out


def dead_reason(uri: str, message_id: str) -> str | None:
    for msg in dead_letters(uri):
        if msg.properties.get("message_id") == message_id:
            reason = (msg.properties.get("application_headers") or {}).get("x-rejection-reason")
            return reason.decode() if isinstance(reason, bytes) else reason
    return None


# ------------------------------------------------------------------------------- rights
def test_the_broker_refuses_a_foreign_routing_key_and_a_foreign_user_id(partner, broker):
    with pytest.raises(amqp.exceptions.AccessRefused):
        partner.publish("credit.granted", grant_body("G-x"),
                        routing_key="other-bank.credit.granted")
    with pytest.raises(amqp.exceptions.PreconditionFailed):
        partner.publish("credit.granted", grant_body("G-y"), user_id="other-bank")
    with pytest.raises(amqp.exceptions.AccessRefused):  # no write on another exchange
        conn = amqp.Connection(**connection_args(partner.uri), confirm_publish=True)
        conn.connect()
        try:
            conn.channel().basic_publish(amqp.Message(b"{}", user_id=partner.id), exchange="",
                                         routing_key=partners.REPLAY_QUEUE)
        finally:
            conn.close()


# ------------------------------------------------------------------------------- flow
def test_a_grant_is_applied_and_a_duplicate_message_id_is_a_no_op(partner, pool, consumer):
    before = counters(pool, partner.id)
    message_id = partner.publish("credit.granted", grant_body("G-dup"))
    partner.publish("credit.granted", grant_body("G-dup"), message_id=message_id)
    wait_until(lambda: counters(pool, partner.id)["duplicate"] == before["duplicate"] + 1,
               message="the duplicate to be counted")
    after = counters(pool, partner.id)
    assert after["accepted"] == before["accepted"] + 1
    found = grant(pool, f"{partner.id}.G-dup")
    assert found is not None and found["status"] == "granted"
    assert found["amount_fen"] == 3_000_000
    assert found["id_last4"] == grant_body("x")["beneficiary"]["id_number"][-4:]
    with pool.transaction() as cur:
        cur.execute("SELECT count(*) FROM events WHERE stream_id = %s",
                    (f"grant-{partner.id}.G-dup",))
        assert cur.fetchone()[0] == 1
        cur.execute("SELECT count(*) FROM events WHERE data::text LIKE %s",
                    ("%" + grant_body("x")["beneficiary"]["id_number"] + "%",))
        assert cur.fetchone()[0] == 0, "a resident id number reached the event store"


def test_a_disbursement_before_its_grant_is_held_then_applied(partner, pool, consumer):
    partner.publish("loan.disbursed", {"grant_id": "G-ooo", "loan_id": "L-ooo",
                                       "amount_fen": 1_000_000, "disbursed_at": "2026-03-05",
                                       "maturity_date": "2028-03-05"})
    partner.publish("loan.repaid", {"loan_id": "L-ooo", "amount_fen": 200_000,
                                    "repaid_at": "2026-06-05", "settled": False})
    wait_until(lambda: (grant(pool, f"{partner.id}.G-ooo") or {}).get("status")
               == "awaiting_grant", message="the disbursement to be held")
    partner.publish("credit.granted", grant_body("G-ooo"))
    found = wait_until(lambda: (g := grant(pool, f"{partner.id}.G-ooo"))
                       and g["status"] == "disbursed" and g, message="the held events applied")
    assert found["disbursed_fen"] == 1_000_000 and found["outstanding_fen"] == 800_000
    assert found["held_events"] == 0


def test_a_repayment_of_an_unknown_loan_is_parked_then_applied(partner, pool, consumer):
    partner.publish("loan.overdue", {"loan_id": "L-park", "overdue_fen": 50_000,
                                     "as_of": "2026-09-01"})
    partner.publish("credit.granted", grant_body("G-park"))
    wait_until(lambda: grant(pool, f"{partner.id}.G-park"), message="the grant")
    with pool.transaction() as cur:
        cur.execute("SELECT where_held FROM credit_waiting WHERE partner_id = %s"
                    " AND loan_id = 'L-park'", (partner.id,))
        assert [r[0] for r in cur.fetchall()] == ["parked"]
    partner.publish("loan.disbursed", {"grant_id": "G-park", "loan_id": "L-park",
                                       "amount_fen": 500_000, "disbursed_at": "2026-03-05",
                                       "maturity_date": "2027-03-05"})
    found = wait_until(lambda: (g := grant(pool, f"{partner.id}.G-park"))
                       and g["status"] == "overdue" and g, message="the parked overdue applied")
    assert found["outstanding_fen"] == 500_000


def test_invalid_messages_are_dead_lettered_with_a_reason(partner, pool, broker, consumer):
    before = counters(pool, partner.id)
    bad_json = partner.publish("credit.granted", None, raw=b"{nope")
    no_user = partner.publish("credit.granted", grant_body("G-nouser"), user_id=None)
    unknown_coop = partner.publish("credit.granted", grant_body(
        "G-coop", beneficiary={"kind": "cooperative", "uscc": make_uscc("93", "371202",
                                                                        "MA3C4XL1")}))
    bad_body = partner.publish("loan.repaid", {"loan_id": "L1", "amount_fen": 1.5,
                                               "repaid_at": "2026-01-01", "settled": False})
    wait_until(lambda: counters(pool, partner.id)["rejected"] == before["rejected"] + 4,
               message="four rejections")
    assert "not valid JSON" in (dead_reason(broker, bad_json) or "")
    assert "user_id" in (dead_reason(broker, no_user) or "")
    reason = dead_reason(broker, unknown_coop) or ""
    assert "unknown beneficiary" in reason or "USCC" in reason
    assert "amount_fen" in (dead_reason(broker, bad_body) or "")
    assert grant(pool, f"{partner.id}.G-nouser") is None
    with pool.transaction() as cur:
        cur.execute("SELECT reason FROM partner_dead_letters WHERE partner_id = %s"
                    " AND message_id = %s", (partner.id, bad_json))
        assert "JSON" in cur.fetchone()[0]


def test_a_poison_message_is_dead_lettered_after_the_delivery_limit(partner, pool, broker,
                                                                    consumer):
    poison = uuid.uuid4().hex
    FlakyIngest.poison.add(poison)
    before = counters(pool, partner.id)
    partner.publish("credit.granted", grant_body("G-poison"), message_id=poison)
    good = [partner.publish("credit.granted", grant_body(f"G-after-{i}")) for i in range(10)]
    wait_until(lambda: counters(pool, partner.id)["accepted"] >= before["accepted"] + 10,
               message="the messages behind the poison to flow")
    reason = wait_until(lambda: dead_reason(broker, poison), timeout=30,
                        message="the poison message in partners.dead")
    assert "processing failed 6 times" in reason
    assert FlakyIngest.attempts[poison] >= partners.DELIVERY_LIMIT + 1
    assert grant(pool, f"{partner.id}.G-poison") is None
    assert all(grant(pool, f"{partner.id}.G-after-{i}") for i in range(10))
    assert len(good) == 10


def test_a_dead_letter_is_replayed_after_the_fix(partner, pool, broker, consumer, schema, dsn,
                                                 monkeypatch):
    uscc = make_uscc("93", "371202", "MA3C4XL2")
    message_id = partner.publish("credit.granted", grant_body(
        "G-replay", beneficiary={"kind": "cooperative", "uscc": uscc}))
    wait_until(lambda: dead_reason(broker, message_id), message="the dead letter")
    with pool.transaction() as cur:  # the fix: org's event about the cooperative arrives
        cur.execute("INSERT INTO known_cooperatives (id, uscc, name, township, industry_category,"
                    " org_position, learnt_at) VALUES ('coop-r', %s, 'Tea Coop', 'Dazhuang',"
                    " 'tea', 1, now())", (uscc,))
    monkeypatch.setattr(partners, "_db", lambda: db.connect(dsn, schema))
    moved = partners.replay_dead(partner.id, amqp_uri=broker)
    assert moved["replayed"] >= 1
    found = wait_until(lambda: grant(pool, f"{partner.id}.G-replay"), message="the replay")
    assert found["beneficiary_name"] == "Tea Coop"
    with pool.transaction() as cur:
        cur.execute("SELECT replayed_at IS NOT NULL FROM partner_dead_letters"
                    " WHERE partner_id = %s AND message_id = %s", (partner.id, message_id))
        assert cur.fetchone()[0] is True
    assert dead_reason(broker, message_id) is None
