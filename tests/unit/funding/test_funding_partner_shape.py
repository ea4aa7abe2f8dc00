"""The checks of a partner message that need no database (services/funding/ingest.py)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from services.funding.domain.credit import CreditGrant
from services.funding.ingest import Inbound, check_shape, claimed_partner, dead_letter_key

BODY = {"grant_id": "G1", "reason": "fraud", "revoked_at": "2024-11-01"}
NOW = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)


def amqp(**changes) -> Inbound:
    values = {"channel": "amqp", "user_id": "bank1", "message_id": "m1",
              "event_type": "credit.revoked", "body": json.dumps(BODY).encode(),
              "routing_key": "bank1.credit.revoked"}
    values.update(changes)
    return Inbound(**values)


def test_a_good_message_passes() -> None:
    assert check_shape(amqp()) == ("bank1", "credit.revoked", BODY)


@pytest.mark.parametrize("changes, reason", [
    ({"user_id": None}, "no user_id"),
    ({"user_id": "bank2"}, "does not match the routing key's partner"),
    ({"routing_key": "bank2.credit.revoked"}, "does not match the routing key's partner"),
    ({"event_type": None}, "no type"),
    ({"event_type": "credit.stolen"}, "unknown event type"),
    ({"routing_key": "bank1.loan.repaid"}, "does not match type"),
    ({"body": b"{not json"}, "not valid JSON"),
    ({"body": b"\xff\xfe"}, "not valid JSON"),
    ({"message_id": None}, "no message_id"),
    ({"message_id": "x" * 201}, "longer than 200"),
    ({"body": json.dumps({**BODY, "revoked_at": "soon"}).encode()}, "revoked_at"),
    ({"body": b"[]"}, "JSON object"),
])
def test_bad_messages_are_rejected_with_a_reason(changes, reason: str) -> None:
    result = check_shape(amqp(**changes))
    assert isinstance(result, str) and reason in result


def test_webhooks_take_the_type_from_the_body() -> None:
    hook = Inbound("webhook", "bank1", "wh1", None, {**BODY, "type": "credit.revoked"})
    assert check_shape(hook) == ("bank1", "credit.revoked", BODY)
    assert "type is required" in check_shape(Inbound("webhook", "bank1", "wh1", None, BODY))
    assert "unknown" in check_shape(Inbound("webhook", "bank1", "wh1", None,
                                            {**BODY, "type": "nope"}))


def test_replayed_dead_letters_are_checked_like_deliveries() -> None:
    assert check_shape(amqp(channel="replay")) == ("bank1", "credit.revoked", BODY)
    assert "no user_id" in check_shape(amqp(channel="replay", user_id=None))


def test_who_is_counted_and_the_dead_letter_key() -> None:
    assert claimed_partner(amqp(user_id=None)) == "bank1"
    assert claimed_partner(amqp(user_id="guest")) == "guest"
    assert claimed_partner(amqp(user_id=None, routing_key=None)) == "unknown"
    assert dead_letter_key(amqp()) == "m1"
    anonymous = dead_letter_key(amqp(message_id=None))
    assert anonymous.startswith("sha256:") and anonymous == dead_letter_key(amqp(message_id=None))
    assert anonymous != dead_letter_key(amqp(message_id=None, body=b"{}"))


def test_a_grant_records_an_event_it_cannot_apply_once(check) -> None:
    grant = CreditGrant("bank1.G1")
    assert grant.refuse("m9", "loan.repaid", "exceeds the outstanding amount") is True
    assert grant.refuse("m9", "loan.repaid", "again") is False
    replayed = check(grant)
    assert replayed.refused["m9"]["reason"] == "exceeds the outstanding amount"
    assert "m9" in replayed.message_ids
