"""Partners (banks, the supply co-op): onboarding, the AMQP consumer, dead letters.

Topology (API.md section 3, RELIABILITY.md "Broker"):

* exchange `partners.inbound` (topic, durable); a partner publishes `<partner_id>.<type>`;
* queue `partners.inbound.q` (quorum, durable) bound with `#`, `x-delivery-limit` 5,
  dead-lettering at-least-once (`overflow=reject-publish`) to queue `partners.dead`;
* queue `partners.dead` (quorum): rejected messages with header `x-rejection-reason`
  (the consumer's reason), or with `x-death` when the broker's delivery limit fired;
* queue `partners.replay` (quorum): `replay-dead` moves dead letters here; the consumer
  reads it like the inbound queue, taking the partner from `x-original-user-id` (only
  platform users can write to the default exchange, partners cannot).

Each partner is a RabbitMQ user named after its id, allowed to write to `partners.inbound`
only (configure and read nothing) with routing keys `<id>.*` (topic permission).
The partner records (and webhook secrets) live in the funding schema: funding owns the
consumer and the CLI; the gateway asks funding for a partner's secrets over RPC.

CLI: `python -m services.funding.partners add|list|rotate-secret|reset-password|remove|
replay-dead|dead-letters|drop-dead` (see `--help`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import quote, urlparse

import amqp
import psycopg2

from eventkit import config, db, logs
from eventkit.amqp_uri import connection_args
from services.funding import webhooks
from services.funding.ingest import Inbound, Ingest, Outcome, claimed_partner, dead_letter_key

log = logs.get("funding.partners")

EXCHANGE = "partners.inbound"
INBOUND_QUEUE = "partners.inbound.q"
DEAD_QUEUE = "partners.dead"
REPLAY_QUEUE = "partners.replay"
DELIVERY_LIMIT = 5  # a queue argument: changing it needs a new queue (RabbitMQ refuses)
KINDS = ("bank", "supply_coop")
PARTNER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{1,62}$")
DB_ERRORS = (psycopg2.OperationalError, psycopg2.InterfaceError)


class PartnerError(Exception):
    pass


# ---------------------------------------------------------------- topology
def _queue_args(dead_letter: bool) -> dict[str, Any]:
    args: dict[str, Any] = {"x-queue-type": "quorum"}
    if dead_letter:
        args.update({
            "x-delivery-limit": DELIVERY_LIMIT,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": DEAD_QUEUE,
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        })
    return args


def declare_topology(channel) -> None:
    channel.exchange_declare(EXCHANGE, "topic", durable=True, auto_delete=False)
    channel.queue_declare(DEAD_QUEUE, durable=True, auto_delete=False,
                          arguments=_queue_args(False))
    for queue in (INBOUND_QUEUE, REPLAY_QUEUE):
        channel.queue_declare(queue, durable=True, auto_delete=False,
                              arguments=_queue_args(True))
    channel.queue_bind(INBOUND_QUEUE, EXCHANGE, "#")


def _connect(amqp_uri: str, **kw: Any) -> amqp.Connection:
    conn = amqp.Connection(**connection_args(amqp_uri), connect_timeout=5, **kw)
    conn.connect()
    return conn


def ensure_topology(amqp_uri: str | None = None) -> None:
    conn = _connect(amqp_uri or config.amqp_uri())
    try:
        ch = conn.channel()
        declare_topology(ch)
        ch.close()
    finally:
        conn.close()


# ---------------------------------------------------------------- the broker's users
def vhost(amqp_uri: str | None = None) -> str:
    return connection_args(amqp_uri or config.amqp_uri())["virtual_host"]


def _ctl(*args: str) -> str:
    done = subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True,
                          timeout=60)
    if done.returncode != 0:
        raise PartnerError(f"rabbitmqctl {args[0]} failed: {done.stderr.strip()[:300]}")
    return done.stdout


def broker_user_exists(user: str) -> bool:
    out = _ctl("list_users", "--no-table-headers")
    return any(line.split("\t")[0] == user for line in out.splitlines())


def _grant_rights(partner_id: str, host: str) -> None:
    # configure nothing, write only the inbound exchange, read nothing
    _ctl("set_permissions", "-p", host, partner_id, "^$", "^partners\\.inbound$", "^$")
    _ctl("set_topic_permissions", "-p", host, partner_id, EXCHANGE,
         f"^{re.escape(partner_id)}\\..*", "^$")


def create_broker_user(partner_id: str, password: str, amqp_uri: str | None = None) -> None:
    """The partner's broker user with its rights in the vhost of `amqp_uri`.

    A user is global to the broker (e.g. the same bank in another vhost): an existing one
    gets the new password, and its rights in this vhost."""
    if broker_user_exists(partner_id):
        _ctl("change_password", partner_id, password)
    else:
        _ctl("add_user", partner_id, password)
    _grant_rights(partner_id, vhost(amqp_uri))


def delete_broker_user(partner_id: str) -> None:
    if broker_user_exists(partner_id):
        _ctl("delete_user", partner_id)


def partner_amqp_uri(partner_id: str, password: str, amqp_uri: str | None = None) -> str:
    u = urlparse(amqp_uri or config.amqp_uri())
    host = f"{u.hostname or '127.0.0.1'}:{u.port or 5672}"
    path = u.path or "/"
    return f"amqp://{quote(partner_id, safe='')}:{quote(password, safe='')}@{host}{path}"


# ---------------------------------------------------------------- records
def _db(attempts: int = 20):
    """A connection to the funding schema; a busy server (too many clients) is retried."""
    for attempt in range(attempts):
        try:
            return db.connect(config.dsn("funding"), "funding",
                              application_name="funding-partners")
        except psycopg2.OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(min(0.2 * (attempt + 1), 2.0))
    raise AssertionError("unreachable")


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
    password = secrets.token_urlsafe(24)
    secret = webhooks.new_secret()
    conn = _db()
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
    conn = _db()
    try:
        with conn.cursor() as cur:
            _require_partner(cur, partner_id)
    finally:
        conn.close()
    password = secrets.token_urlsafe(24)
    create_broker_user(partner_id, password, amqp_uri)
    return password


def rotate_secret(partner_id: str, grace_seconds: int = 86_400) -> str:
    """A new webhook secret; the current ones stay valid for `grace_seconds` more."""
    secret = webhooks.new_secret()
    conn = _db()
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
    conn = _db()
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


# ---------------------------------------------------------------- dead letters
def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _original(msg) -> tuple[str | None, str | None]:
    """(user id, routing key) a dead letter was first published with."""
    headers = msg.properties.get("application_headers") or {}
    user = _text(headers.get("x-original-user-id")) or _text(msg.properties.get("user_id"))
    routing_key = _text(headers.get("x-original-routing-key"))
    if not routing_key:
        deaths = headers.get("x-death") or []
        if deaths:
            keys = deaths[0].get("routing-keys") or []
            routing_key = _text(keys[0]) if keys else None
    return user, routing_key


def replay_dead(partner_id: str | None = None, limit: int | None = None,
                amqp_uri: str | None = None) -> dict[str, int]:
    """Move dead letters (of one partner, or all) to `partners.replay`, where the consumer
    validates them again. Others stay in `partners.dead`, in their order."""
    uri = amqp_uri or config.amqp_uri()
    conn = _connect(uri, confirm_publish=True)
    moved = kept = 0
    replayed: list[tuple[str, str]] = []
    try:
        ch = conn.channel()
        ch.auto_decode = False
        declare_topology(ch)
        _, depth, _ = ch.queue_declare(DEAD_QUEUE, passive=True)
        for _ in range(depth):
            msg = ch.basic_get(DEAD_QUEUE, no_ack=False)
            if msg is None:
                break
            user, routing_key = _original(msg)
            owner = user or (routing_key or "").partition(".")[0]
            if (partner_id and owner != partner_id) or (limit is not None and moved >= limit):
                kept += 1  # left unacked: returns to the queue when the channel closes
                continue
            props = dict(msg.properties)
            headers = dict(props.pop("application_headers", None) or {})
            props.pop("user_id", None)  # the broker refuses a user_id that is not ours
            headers["x-original-user-id"] = user or ""
            headers["x-original-routing-key"] = routing_key or ""
            headers["x-replay-count"] = int(headers.get("x-replay-count") or 0) + 1
            headers["x-replayed-at"] = dt.datetime.now(dt.UTC).isoformat()
            copy = amqp.Message(msg.body, application_headers=headers,
                                **{k: v for k, v in props.items() if v is not None})
            copy.properties["delivery_mode"] = 2
            ch.basic_publish(copy, exchange="", routing_key=REPLAY_QUEUE)  # confirmed
            ch.basic_ack(msg.delivery_tag)
            moved += 1
            message_id = _text(props.get("message_id"))
            replayed.append((owner, message_id or ""))
        ch.close()  # unacked (kept) messages go back to partners.dead
    finally:
        conn.close()
    if replayed:
        dbc = _db()
        try:
            with dbc.cursor() as cur:
                for owner, message_id in replayed:
                    cur.execute("UPDATE partner_dead_letters SET replayed_at = now()"
                                " WHERE partner_id = %s AND message_id = %s",
                                (owner, message_id))
            dbc.commit()
        finally:
            dbc.close()
    return {"replayed": moved, "kept": kept}


def drop_dead(partner_id: str, amqp_uri: str | None = None) -> int:
    """Delete one partner's dead letters from `partners.dead` (after they were looked at,
    or for a test partner); the others stay, in their order. Their records stay too."""
    conn = _connect(amqp_uri or config.amqp_uri())
    dropped = 0
    try:
        ch = conn.channel()
        declare_topology(ch)
        _, depth, _ = ch.queue_declare(DEAD_QUEUE, passive=True)
        for _ in range(depth):
            msg = ch.basic_get(DEAD_QUEUE, no_ack=False)
            if msg is None:
                break
            user, routing_key = _original(msg)
            if (user or (routing_key or "").partition(".")[0]) == partner_id:
                ch.basic_ack(msg.delivery_tag)
                dropped += 1
        ch.close()  # the others (unacked) return to the queue
    finally:
        conn.close()
    return dropped


def dead_letter_depth(amqp_uri: str | None = None) -> int:
    conn = _connect(amqp_uri or config.amqp_uri())
    try:
        ch = conn.channel()
        declare_topology(ch)
        _, depth, _ = ch.queue_declare(DEAD_QUEUE, passive=True)
        ch.close()
        return int(depth)
    finally:
        conn.close()


# ---------------------------------------------------------------- the consumer
@dataclass
class _Entry:
    item: Inbound
    msg: Any
    source: str  # amqp | replay


def _inbound(source: str, msg) -> Inbound:
    props = msg.properties
    body = msg.body if isinstance(msg.body, bytes) else str(msg.body).encode()
    if source == "replay":
        user, routing_key = _original(msg)
    else:
        user, routing_key = _text(props.get("user_id")), msg.delivery_info.get("routing_key")
    return Inbound(channel=source, user_id=user or None,
                   message_id=_text(props.get("message_id")) or None,
                   event_type=_text(props.get("type")) or None, body=body,
                   routing_key=_text(routing_key), tag=msg.delivery_info["delivery_tag"])


class PartnerConsumer:
    """Consumes `partners.inbound.q` and `partners.replay` in batches.

    A batch is one `Ingest.process` call (one transaction); deliveries are acknowledged
    after its commit, rejected ones after their dead letter is confirmed by the broker.
    A batch that raises is retried message by message: the failing message is requeued
    (the broker counts deliveries) and dead-lettered by the consumer, with its reason, on
    its last allowed delivery. A database outage holds the batch (nothing is requeued,
    nothing counted) until the database answers again.
    """

    def __init__(self, ingest: Ingest, amqp_uri: str, prefetch: int = 2000,
                 batch_size: int = 1000, batch_wait: float = 0.05,
                 on_batch: Callable[[list[Outcome]], None] | None = None) -> None:
        self.ingest = ingest
        self.amqp_uri = amqp_uri
        self.prefetch = prefetch
        self.batch_size = batch_size
        self.batch_wait = batch_wait
        self.on_batch = on_batch
        self.stats = {"batches": 0, "messages": 0, "dead_lettered": 0, "requeued": 0}
        self._buffer: list[_Entry] = []
        self._lock = threading.Lock()

    def run(self, stop: threading.Event) -> None:
        backoff = 0.5
        while not stop.is_set():
            try:
                self._session(stop)
                backoff = 0.5
            except Exception as exc:  # noqa: BLE001 - reconnect after any broker failure
                log.warning("partner consumer reconnecting", error=str(exc)[:300])
                with self._lock:
                    self._buffer = []  # unacked deliveries return to the queue with the channel
                stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)

    def _receive(self, source: str, msg) -> None:
        entry = _Entry(_inbound(source, msg), msg, source)
        with self._lock:
            self._buffer.append(entry)

    def _session(self, stop: threading.Event) -> None:
        """One connection's life. A drainer thread reads deliveries while this one
        processes the previous batch (the database's time overlaps the broker's); acks are
        written from here (py-amqp serialises frame writes). Dead letters go out on a
        connection of their own, so waiting for their confirms never reads the consumer's
        socket from a second thread."""
        conn = _connect(self.amqp_uri, heartbeat=30)
        dead_conn: amqp.Connection | None = None
        halt = threading.Event()
        failure: list[BaseException] = []
        drainer: threading.Thread | None = None
        try:
            dead_conn = _connect(self.amqp_uri, confirm_publish=True)
            setup = conn.channel()
            declare_topology(setup)
            setup.close()
            consume = conn.channel()
            consume.auto_decode = False
            consume.basic_qos(0, self.prefetch, False)
            dead = dead_conn.channel()
            with self._lock:
                self._buffer = []
            consume.basic_consume(INBOUND_QUEUE, callback=partial(self._receive, "amqp"))
            consume.basic_consume(REPLAY_QUEUE, callback=partial(self._receive, "replay"))

            def drain() -> None:
                try:
                    while not halt.is_set() and not stop.is_set():
                        try:
                            conn.drain_events(timeout=0.5)
                        except TimeoutError:
                            conn.heartbeat_tick()
                except BaseException as exc:  # noqa: BLE001 - handed to the session
                    failure.append(exc)
                finally:
                    halt.set()

            drainer = threading.Thread(target=drain, name="partners-drainer", daemon=True)
            drainer.start()
            log.info("partner consumer started", queue=INBOUND_QUEUE, prefetch=self.prefetch)
            first_at: float | None = None
            retry_at = 0.0
            while not stop.is_set() and not halt.is_set():
                with self._lock:
                    waiting = len(self._buffer)
                now = time.monotonic()
                if waiting and first_at is None:
                    first_at = now
                due = first_at is not None and (
                    waiting >= self.batch_size or now - first_at >= self.batch_wait)
                if not due or now < retry_at:
                    time.sleep(0.005 if first_at is not None else 0.02)
                    continue
                with self._lock:
                    entries = self._buffer[:self.batch_size]
                    self._buffer = self._buffer[self.batch_size:]
                try:
                    self._handle(consume, dead, entries)
                    first_at = time.monotonic() if self._buffer else None
                except DB_ERRORS as exc:
                    # Keep the deliveries (unacked) and try again: an outage must not
                    # spend delivery attempts or dead-letter good messages.
                    log.warning("database unavailable; batch held", error=str(exc)[:200])
                    with self._lock:
                        self._buffer = entries + self._buffer
                    retry_at = time.monotonic() + 1.0
            if failure:
                raise failure[0]
        finally:
            halt.set()
            if drainer is not None:
                drainer.join(timeout=5)
            for c in (conn, dead_conn):
                if c is None:
                    continue
                try:
                    if drainer is not None and drainer.is_alive():
                        c.collect()  # the drainer still reads: drop the socket, no handshake
                    else:
                        c.close()
                except Exception:  # noqa: BLE001 - closing a broken connection
                    pass

    # -- one batch -------------------------------------------------------------------
    def _process(self, entries: list[_Entry]) -> list[tuple[_Entry, Outcome | Exception]]:
        try:
            outcomes = self.ingest.process([e.item for e in entries])
            return list(zip(entries, outcomes, strict=True))
        except DB_ERRORS:
            raise
        except Exception as exc:  # noqa: BLE001 - isolate the message that fails
            if len(entries) == 1:
                return [(entries[0], exc)]
            log.warning("partner batch failed; retrying one by one", error=str(exc)[:300],
                        size=len(entries))
        results: list[tuple[_Entry, Outcome | Exception]] = []
        for entry in entries:
            try:
                results.append((entry, self.ingest.process([entry.item])[0]))
            except DB_ERRORS:
                raise
            except Exception as exc:  # noqa: BLE001
                results.append((entry, exc))
        return results

    def _handle(self, consume, dead, entries: list[_Entry]) -> None:
        started, cpu = time.monotonic(), time.process_time()
        results = self._process(entries)
        processed, cpu = time.monotonic(), time.process_time() - cpu
        ack_tags: list[int] = []
        outcomes: list[Outcome] = []
        for entry, result in results:
            tag = entry.msg.delivery_tag
            if isinstance(result, Outcome):
                outcomes.append(result)
                if result.status == "rejected":
                    self._dead_letter(dead, entry, result.reason or "rejected")
                ack_tags.append(tag)
                continue
            headers = entry.msg.properties.get("application_headers") or {}
            attempts = int(headers.get("x-delivery-count") or 0) + 1
            if attempts > DELIVERY_LIMIT:
                reason = f"processing failed {attempts} times: {type(result).__name__}: {result}"
                log.error("partner message dead-lettered after its last delivery",
                          message_id=entry.item.message_id, attempts=attempts,
                          error=str(result)[:300])
                self._record_failure(entry, reason[:1000])
                self._dead_letter(dead, entry, reason[:1000])
                ack_tags.append(tag)
            else:
                log.warning("partner message failed; requeued", message_id=entry.item.message_id,
                            attempts=attempts, error=str(result)[:300])
                consume.basic_reject(tag, requeue=True)
                self.stats["requeued"] += 1
        if ack_tags:
            # Every delivery of this batch is settled now (rejected ones were requeued
            # above), so one multiple-ack covers the rest.
            consume.basic_ack(max(ack_tags), multiple=True)
        self.stats["batches"] += 1
        self.stats["messages"] += len(entries)
        log.info("partner batch", size=len(entries), process_ms=round((processed - started) * 1000),
                 process_cpu_ms=round(cpu * 1000),
                 settle_ms=round((time.monotonic() - processed) * 1000))
        if self.on_batch is not None:
            self.on_batch(outcomes)

    def _dead_letter(self, dead, entry: _Entry, reason: str) -> None:
        msg = entry.msg
        props = dict(msg.properties)
        headers = dict(props.pop("application_headers", None) or {})
        props.pop("user_id", None)
        headers.update({
            "x-rejection-reason": reason,
            "x-original-user-id": entry.item.user_id or "",
            "x-original-routing-key": entry.item.routing_key or "",
            "x-original-exchange": EXCHANGE if entry.source == "amqp" else REPLAY_QUEUE,
            "x-rejected-at": dt.datetime.now(dt.UTC).isoformat(),
        })
        copy = amqp.Message(msg.body, application_headers=headers,
                            **{k: v for k, v in props.items() if v is not None})
        copy.properties["delivery_mode"] = 2
        dead.basic_publish(copy, exchange="", routing_key=DEAD_QUEUE)  # waits for the confirm
        self.stats["dead_lettered"] += 1

    def _record_failure(self, entry: _Entry, reason: str) -> None:
        """Count a message the consumer could not process (best effort: it is in the DLQ)."""
        try:
            with self.ingest.pool.transaction() as cur:
                partner = claimed_partner(entry.item)
                cur.execute(
                    "INSERT INTO partner_dead_letters (partner_id, dl_key, message_id,"
                    " event_type, routing_key, channel, reason, rejected_at)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, now()) ON CONFLICT (partner_id, dl_key)"
                    " DO UPDATE SET reason = EXCLUDED.reason, times = partner_dead_letters.times"
                    " + 1, replayed_at = NULL, rejected_at = now()",
                    (partner, dead_letter_key(entry.item), entry.item.message_id,
                     entry.item.event_type, entry.item.routing_key, entry.source, reason))
                cur.execute(
                    "INSERT INTO partner_counters AS c (partner_id, channel, rejected)"
                    " VALUES (%s, %s, 1) ON CONFLICT (partner_id, channel) DO UPDATE SET"
                    " rejected = c.rejected + 1, updated_at = now()", (partner, entry.source))
        except Exception as exc:  # noqa: BLE001
            log.warning("dead letter not recorded", error=str(exc)[:200])


# ---------------------------------------------------------------- CLI
def _print(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.funding.partners",
                                     description="Partners of the funding service.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_add = sub.add_parser("add", help="onboard a partner (prints its password and webhook"
                                       " secret once)")
    p_add.add_argument("--id", required=True)
    p_add.add_argument("--name", required=True)
    p_add.add_argument("--kind", required=True, choices=KINDS)
    sub.add_parser("list", help="partners with their counters")
    p_rot = sub.add_parser("rotate-secret", help="a new webhook secret (old ones stay valid"
                                                 " for --grace-hours)")
    p_rot.add_argument("--id", required=True)
    p_rot.add_argument("--grace-hours", type=float, default=24.0)
    p_pw = sub.add_parser("reset-password", help="a new broker password")
    p_pw.add_argument("--id", required=True)
    p_rm = sub.add_parser("remove", help="deactivate a partner and delete its broker user")
    p_rm.add_argument("--id", required=True)
    p_rep = sub.add_parser("replay-dead", help="send dead letters through validation again")
    p_rep.add_argument("--id", help="only this partner's dead letters")
    p_rep.add_argument("--limit", type=int)
    p_dl = sub.add_parser("dead-letters", help="recent dead letters and the queue depth")
    p_dl.add_argument("--id")
    p_drop = sub.add_parser("drop-dead", help="delete a partner's dead letters from the queue")
    p_drop.add_argument("--id", required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "add":
            _print(add(args.id, args.name, args.kind).as_dict())
            print("Keep the password and the webhook secret now: they are not shown again.",
                  file=sys.stderr)
        elif args.command == "list":
            conn = _db()
            try:
                with conn.cursor() as cur:
                    _print(list_partners(cur))
            finally:
                conn.close()
        elif args.command == "rotate-secret":
            _print({"id": args.id,
                    "webhook_secret": rotate_secret(args.id, int(args.grace_hours * 3600))})
        elif args.command == "reset-password":
            _print({"id": args.id, "password": reset_password(args.id)})
        elif args.command == "remove":
            remove(args.id)
            _print({"id": args.id, "active": False})
        elif args.command == "replay-dead":
            _print(replay_dead(args.id, args.limit))
        elif args.command == "drop-dead":
            _print({"id": args.id, "dropped": drop_dead(args.id)})
        elif args.command == "dead-letters":
            conn = _db()
            try:
                with conn.cursor() as cur:
                    cur.execute(
                        "SELECT partner_id, message_id, event_type, routing_key, channel,"
                        " reason, rejected_at, times, replayed_at FROM partner_dead_letters"
                        " WHERE (%s::text IS NULL OR partner_id = %s)"
                        " ORDER BY rejected_at DESC LIMIT 100", (args.id, args.id))
                    rows = [dict(zip(("partner_id", "message_id", "event_type", "routing_key",
                                      "channel", "reason", "rejected_at", "times",
                                      "replayed_at"), r, strict=True)) for r in cur.fetchall()]
            finally:
                conn.close()
            for row in rows:
                for key in ("rejected_at", "replayed_at"):
                    row[key] = row[key].isoformat() if row[key] else None
            _print({"queue_depth": dead_letter_depth(), "recent": rows})
    except PartnerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
