"""Helpers for the funding e2e tests (no tests here): units funding knows, partners."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import amqp

from eventkit.amqp_uri import connection_args
from eventkit.identifiers import make_resident_id, make_uscc
from tests.conftest import wait_until
from tests.e2e import test_gateway_kit as kit


def known_unit(api, parent_id: str | None = None, **overrides: Any) -> str:
    """A new unit (under a new committee by default), once funding has learnt it."""
    if parent_id is None:
        parent_id = kit.committee(api)["root_unit_id"]
    body: dict[str, Any] = {"name": f"branch {uuid.uuid4().hex[:6]}", "kind": "branch",
                            "parent_id": parent_id, "on": "2024-02-01",
                            "formation_mode": "standalone"}
    body.update(overrides)
    r = api.post("/api/v1/units", body)
    assert r.status_code == 201, r.text
    unit_id = r.json()["id"]
    wait_until(lambda: api.get(f"/api/v1/funds/{unit_id}").status_code == 200, timeout=30,
               message="funding to learn the unit")
    return unit_id


def known_member(api, unit_id: str, **overrides: Any) -> dict[str, Any]:
    member = kit.member(api, unit_id, **overrides)
    from eventkit import config, db

    def known() -> bool:
        conn = db.connect(config.dsn("funding"), "funding")
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM known_members WHERE id = %s", (member["id"],))
                return cur.fetchone() is not None
        finally:
            conn.close()

    wait_until(known, timeout=30, message="funding to learn the member")
    return member


def unique_uscc() -> str:
    body = uuid.uuid4().hex[:8].upper()
    body = "".join(c if c in "0123456789ABCDEFGHJKLMNPQRTUWXY" else "0" for c in body)
    return make_uscc("93", "371202", body)


def resident_id(born: dt.date) -> str:
    return make_resident_id("371202", born, f"{uuid.uuid4().int % 999:03d}")


class Partner:
    """A partner onboarded with the CLI's functions, publishing as a bank would."""

    def __init__(self, onboarded) -> None:
        self.id = onboarded.partner_id
        self.password = onboarded.password
        self.secret = onboarded.webhook_secret
        self.uri = onboarded.amqp_uri

    def publish(self, event_type: str, body: Any, *, message_id: str | None = None,
                routing_key: str | None = None, user_id: str | None = "self") -> str:
        message_id = message_id or uuid.uuid4().hex
        conn = amqp.Connection(**connection_args(self.uri), confirm_publish=True)
        conn.connect()
        try:
            props: dict[str, Any] = {"content_type": "application/json", "delivery_mode": 2,
                                     "message_id": message_id, "type": event_type,
                                     "timestamp": int(time.time())}
            if user_id is not None:
                props["user_id"] = self.id if user_id == "self" else user_id
            conn.channel().basic_publish(
                amqp.Message(json.dumps(body), **props), exchange="partners.inbound",
                routing_key=routing_key or f"{self.id}.{event_type}")
        finally:
            conn.close()
        return message_id


@contextmanager
def onboarded_partner(name: str = "E2E Rural Bank") -> Iterator[Partner]:
    """A partner with a unique id; its broker user is deleted afterwards."""
    from services.funding import partners

    onboarded = partners.add(f"e2e-{uuid.uuid4().hex[:10]}", name, "bank")
    try:
        yield Partner(onboarded)
    finally:
        partners.remove(onboarded.partner_id)
        partners.drop_dead(onboarded.partner_id)


def grant_body(grant_id: str, beneficiary: dict[str, Any] | None = None,
               **changes: Any) -> dict[str, Any]:
    body = {"grant_id": grant_id,
            "beneficiary": beneficiary or {"kind": "person", "name": "Zhang Wei",
                                           "id_number": resident_id(dt.date(1996, 7, 1))},
            "amount_fen": 5_000_000, "term_months": 36, "annual_rate_bp": 435,
            "guarantee": "guarantee_fund", "purpose": "greenhouses",
            "granted_at": "2026-04-10T10:00:00+08:00"}
    body.update(changes)
    return body
