"""Standard Webhooks signatures: verification over the raw bytes, freshness, rotation."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from services.funding import webhooks
from services.funding.webhooks import SignatureError, headers, new_secret, sign, verify

NOW = 1_800_000_000
BODY = b'{"type":"credit.revoked","grant_id":"G1","reason":"x","revoked_at":"2024-01-01"}'


def test_signature_is_the_standard_webhooks_one() -> None:
    secret = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
    expected = base64.b64encode(hmac.new(b"0123456789abcdef0123456789abcdef",
                                         b"msg_1.1800000000." + BODY,
                                         hashlib.sha256).digest()).decode()
    assert sign(secret, "msg_1", NOW, BODY) == "v1," + expected


def test_new_secrets_are_random_and_prefixed() -> None:
    a, b = new_secret(), new_secret()
    assert a.startswith("whsec_") and a != b
    assert len(base64.b64decode(a[len("whsec_"):])) == 32


def test_a_correct_signature_verifies() -> None:
    secret = new_secret()
    assert verify([secret], headers(secret, "msg_1", NOW, BODY), BODY, NOW) == ("msg_1", NOW)


@pytest.mark.parametrize("mutate", [
    lambda h, b: (h, b + b" "),                                        # tampered body
    lambda h, b: (h, b.replace(b"G1", b"G2")),
    lambda h, b: ({**h, "webhook-id": "msg_2"}, b),                    # id not the signed one
    lambda h, b: ({**h, "webhook-timestamp": str(NOW + 1)}, b),        # timestamp changed
    lambda h, b: ({**h, "webhook-signature": "v1,AAAA"}, b),
    lambda h, b: ({**h, "webhook-signature": h["webhook-signature"].replace("v1,", "v2,")}, b),
])
def test_anything_changed_is_refused(mutate) -> None:
    secret = new_secret()
    h, b = mutate(headers(secret, "msg_1", NOW, BODY), BODY)
    with pytest.raises(SignatureError):
        verify([secret], h, b, NOW)


def test_a_wrong_secret_is_refused() -> None:
    h = headers(new_secret(), "msg_1", NOW, BODY)
    with pytest.raises(SignatureError, match="no signature matches"):
        verify([new_secret()], h, BODY, NOW)


@pytest.mark.parametrize("skew", [301, -301, 10_000])
def test_a_timestamp_more_than_300_s_off_is_refused(skew: int) -> None:
    secret = new_secret()
    h = headers(secret, "msg_1", NOW + skew, BODY)
    with pytest.raises(SignatureError, match="300 s"):
        verify([secret], h, BODY, NOW)


@pytest.mark.parametrize("skew", [300, -300, 0])
def test_a_timestamp_within_300_s_is_accepted(skew: int) -> None:
    secret = new_secret()
    assert verify([secret], headers(secret, "m", NOW + skew, BODY), BODY, NOW)[0] == "m"


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_header_is_refused(missing: str) -> None:
    secret = new_secret()
    h = headers(secret, "msg_1", NOW, BODY)
    del h[missing]
    with pytest.raises(SignatureError, match=missing):
        verify([secret], h, BODY, NOW)


def test_rotation_several_signatures_and_several_secrets() -> None:
    old, new = new_secret(), new_secret()
    both = headers([old, new], "msg_1", NOW, BODY)
    assert len(both["webhook-signature"].split()) == 2
    assert verify([new], both, BODY, NOW)[0] == "msg_1"  # the old secret retired
    assert verify([old], both, BODY, NOW)[0] == "msg_1"
    only_old = headers(old, "msg_1", NOW, BODY)
    assert verify([new, old], only_old, BODY, NOW)[0] == "msg_1"  # during the grace period
    with pytest.raises(SignatureError):
        verify([new], only_old, BODY, NOW)


def test_a_non_numeric_timestamp_and_an_overlong_id_are_refused() -> None:
    secret = new_secret()
    h = headers(secret, "msg_1", NOW, BODY)
    with pytest.raises(SignatureError, match="unix seconds"):
        verify([secret], {**h, "webhook-timestamp": "yesterday"}, BODY, NOW)
    long_id = "x" * (webhooks.MAX_ID_LENGTH + 1)
    with pytest.raises(SignatureError, match="too long"):
        verify([secret], headers(secret, long_id, NOW, BODY), BODY, NOW)
