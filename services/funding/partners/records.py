"""Partner records in the funding schema: onboarding, passwords, webhook secrets, removal."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import psycopg2

import services.funding.partners as package  # the `_db` seam tests replace
from eventkit import config, db
from eventkit.backoff import retry
from services.funding import webhooks
from services.funding.partners.broker import (
    create_broker_user,
    delete_broker_user,
    partner_amqp_uri,
)
from services.funding.partners.common import KINDS, PARTNER_ID, PartnerError
from services.funding.partners.topology import ensure_topology


def broker_password() -> str:
    """A new broker password. Never one starting with "-": rabbitmqctl would take it for an
    option (`add_user x -abc` fails), one onboarding in 64 with token_urlsafe alone."""
    while True:
        password = secrets.token_urlsafe(24)
        if not password.startswith("-"):
            return password


def _db(attempts: int = 20):
    """A connection to the funding schema; a busy server (too many clients) is retried."""
    return retry(lambda: db.connect(config.dsn("funding"), "funding",
                                    application_name="funding-partners"),
                 attempts=attempts, retry_on=(psycopg2.OperationalError,))


@dataclass
class Onboarded:
    partner_id: str
    name: str
    kind: str
    password: str
    webhook_secret: str
    amqp_uri: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.partner_id, "name": self.name, "kind": self.kind,
                "password": self.password, "webhook_secret": self.webhook_secret,
                "amqp_uri": self.amqp_uri}


def add(partner_id: str, name: str, kind: str, amqp_uri: str | None = None) -> Onboarded:
    """Onboard a partner: broker user with its rights, record, first webhook secret."""
    if not PARTNER_ID.match(partner_id or ""):
        raise PartnerError("the id is 2-63 characters: a-z 0-9 _ - (no dot: it heads the"
                           " routing key)")
    if kind not in KINDS:
        raise PartnerError(f"kind must be one of {', '.join(KINDS)}")
    if not name or not name.strip():
        raise PartnerError("a name is required")
    uri = amqp_uri or config.amqp_uri()
    ensure_topology(uri)
    password = broker_password()
    secret = webhooks.new_secret()
    conn = package._db()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT active FROM partners WHERE id = %s", (partner_id,))
            row = cur.fetchone()
            if row is not None and row[0]:
                raise PartnerError(f"partner {partner_id} exists (use rotate-secret or"
                                   " reset-password)")
            if row is not None:  # removed earlier: onboarded again, its history kept
                cur.execute("UPDATE partners SET name = %s, kind = %s, active = true"
                            " WHERE id = %s", (name.strip(), kind, partner_id))
            else:
                cur.execute("INSERT INTO partners (id, name, kind) VALUES (%s, %s, %s)",
                            (partner_id, name.strip(), kind))
            cur.execute("INSERT INTO partner_webhook_secrets (partner_id, secret)"
                        " VALUES (%s, %s)", (partner_id, secret))
            # The broker user last: the record is committed only if the user exists.
            create_broker_user(partner_id, password, uri)
        conn.commit()
    finally:
        conn.close()
    return Onboarded(partner_id, name.strip(), kind, password, secret,
                     partner_amqp_uri(partner_id, password, uri))


def _require_partner(cur, partner_id: str) -> None:
    cur.execute("SELECT 1 FROM partners WHERE id = %s", (partner_id,))
    if cur.fetchone() is None:
        raise PartnerError(f"no partner {partner_id}")


def reset_password(partner_id: str, amqp_uri: str | None = None) -> str:
    conn = package._db()
    try:
        with conn.cursor() as cur:
            _require_partner(cur, partner_id)
    finally:
        conn.close()
    password = broker_password()
    create_broker_user(partner_id, password, amqp_uri)
    return password


def rotate_secret(partner_id: str, grace_seconds: int = 86_400) -> str:
    """A new webhook secret; the current ones stay valid for `grace_seconds` more."""
    secret = webhooks.new_secret()
    conn = package._db()
    try:
        with conn.cursor() as cur:
            _require_partner(cur, partner_id)
            cur.execute(
                "UPDATE partner_webhook_secrets SET expires_at ="
                " least(coalesce(expires_at, 'infinity'), now() + make_interval(secs => %s))"
                " WHERE partner_id = %s", (grace_seconds, partner_id))
            cur.execute("INSERT INTO partner_webhook_secrets (partner_id, secret)"
                        " VALUES (%s, %s)", (partner_id, secret))
        conn.commit()
    finally:
        conn.close()
    return secret


def remove(partner_id: str, delete_user: bool = True) -> None:
    """Deactivate a partner (its records stay) and delete its broker user."""
    conn = package._db()
    try:
        with conn.cursor() as cur:
            _require_partner(cur, partner_id)
            cur.execute("UPDATE partners SET active = false WHERE id = %s", (partner_id,))
            cur.execute("UPDATE partner_webhook_secrets SET expires_at = now()"
                        " WHERE partner_id = %s AND (expires_at IS NULL OR expires_at > now())",
                        (partner_id,))
        conn.commit()
    finally:
        conn.close()
    if delete_user:
        delete_broker_user(partner_id)


def list_partners(cur) -> list[dict[str, Any]]:
    cur.execute(
        """
        SELECT p.id, p.name, p.kind, p.active, p.created_at,
               coalesce(sum(c.accepted), 0), coalesce(sum(c.held), 0),
               coalesce(sum(c.duplicate), 0), coalesce(sum(c.rejected), 0),
               (SELECT count(*) FROM partner_webhook_secrets s WHERE s.partner_id = p.id
                 AND (s.expires_at IS NULL OR s.expires_at > now()))
          FROM partners p LEFT JOIN partner_counters c ON c.partner_id = p.id
         GROUP BY p.id ORDER BY p.id
        """)
    return [{"id": r[0], "name": r[1], "kind": r[2], "active": r[3],
             "created_at": r[4].isoformat(),
             "counters": {"accepted": int(r[5]), "held": int(r[6]), "duplicate": int(r[7]),
                          "rejected": int(r[8])},
             "webhook_secrets": int(r[9])} for r in cur.fetchall()]
