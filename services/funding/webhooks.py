"""Standard Webhooks signatures (https://www.standardwebhooks.com), pure functions.

A secret is `whsec_<base64 key>`; the signature of a message is
`v1,<base64 HMAC-SHA256(key, f"{webhook_id}.{webhook_timestamp}.{raw body}")>`. The
`webhook-signature` header may list several space-separated signatures (key rotation): one
matching signature is enough. Verification runs over the raw bytes, before any parsing.

The signatures are the `standardwebhooks` library's (`Webhook.sign`); around it this module
keeps what the platform needs from hostile input: an injectable clock, a clear reason for
each refusal, bytes that are not UTF-8 refused rather than crashing, bounded ids, and a
constant-time comparison against every offered signature.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hmac
import secrets
from collections.abc import Iterable, Mapping

from standardwebhooks.webhooks import Webhook

PREFIX = "whsec_"
TOLERANCE_SECONDS = 300
MAX_ID_LENGTH = 200


class SignatureError(Exception):
    """The request is not signed by the partner (answered 401)."""


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    raw = secret[len(PREFIX):] if secret.startswith(PREFIX) else secret
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("a webhook secret is whsec_ followed by base64") from exc


def sign(secret: str, webhook_id: str, timestamp: int | str, body: bytes) -> str:
    """The `v1,<base64>` signature of one message under one secret (standardwebhooks)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise SignatureError("the body is not UTF-8 text") from None
    at = dt.datetime.fromtimestamp(int(timestamp), dt.UTC)
    return str(Webhook(_key(secret)).sign(webhook_id, at, text))


def headers(secret: str | Iterable[str], webhook_id: str, timestamp: int,
            body: bytes) -> dict[str, str]:
    """The three headers a partner sends (several secrets: several signatures)."""
    keys = [secret] if isinstance(secret, str) else list(secret)
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(k, webhook_id, timestamp, body) for k in keys),
    }


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None:
        raise SignatureError(f"missing header {name}")
    value = value.strip()
    if not value:
        raise SignatureError(f"empty header {name}")
    return value


def verify(secrets_: Iterable[str], headers: Mapping[str, str], body: bytes,
           now: float) -> tuple[str, int]:
    """(webhook id, timestamp) of a correctly signed, fresh message, or SignatureError.

    `headers` must look names up case-insensitively (werkzeug's Headers does).
    """
    webhook_id = _header(headers, "webhook-id")
    if len(webhook_id) > MAX_ID_LENGTH:
        raise SignatureError("webhook-id is too long")
    raw_timestamp = _header(headers, "webhook-timestamp")
    try:
        timestamp = int(raw_timestamp)
    except ValueError:
        raise SignatureError("webhook-timestamp is not unix seconds") from None
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise SignatureError(f"webhook-timestamp is more than {TOLERANCE_SECONDS} s off")
    offered = []
    for part in _header(headers, "webhook-signature").split():
        version, _, value = part.partition(",")
        if version == "v1" and value:
            offered.append(value)
    if not offered:
        raise SignatureError("no v1 signature in webhook-signature")
    for secret in secrets_:
        expected = sign(secret, webhook_id, timestamp, body).partition(",")[2]
        # Compare against every offered signature, in constant time each.
        matched = False
        for candidate in offered:
            matched |= hmac.compare_digest(expected.encode(), candidate.encode())
        if matched:
            return webhook_id, timestamp
    raise SignatureError("no signature matches")
