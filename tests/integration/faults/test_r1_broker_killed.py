"""R1: RabbitMQ killed (`kill -9`) while a bank publishes 10,000 grants with confirms.

After the broker restarts, every confirmed grant is in the views and nothing took effect
twice. The publisher behaves as a bank's integration should: a message without a confirm is
sent again with the same message id (the consumer makes the repeat a no-op), so
unconfirmed messages may arrive twice and are counted as duplicates.
Deliveries committed but not yet acked when the broker died come again after the restart
and are absorbed the same way. The broker killed and restarted is a private node of this
test run (`private_broker`, tests/support/private_broker.py), never the machine's.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from collections.abc import Iterator

import amqp
import pytest

from eventkit.amqp_uri import connection_args
from services.funding import partners
from services.funding.contract.events import registry
from services.funding.ingest import Ingest
from services.funding.partners import broker as partner_broker
from services.funding.projections import projector
from tests.conftest import wait_until
from tests.integration.funding.test_partner_consumer import (  # noqa: F401 - fixtures
    SECRET,
    Partner,
    counters,
    grant_body,
    pool,
    schema,
)

GRANTS = 10_000
KILL_AFTER = 3_000



@pytest.fixture
def broker(private_broker, monkeypatch) -> str:
    """A vhost with the partner topology on the private node; the partner tooling's
    `rabbitmqctl` calls go to that node."""
    monkeypatch.setattr(partner_broker, "_ctl", lambda *args: private_broker.ctl(*args))
    uri = private_broker.vhost(f"r1_{uuid.uuid4().hex[:8]}")
    partners.ensure_topology(uri)
    return uri


@pytest.fixture
def partner(broker, pool) -> Iterator[Partner]:  # noqa: F811
    partner_id = f"it-{uuid.uuid4().hex[:10]}"
    password = secrets.token_urlsafe(16)
    partners.create_broker_user(partner_id, password, broker)
    with pool.transaction() as cur:
        cur.execute("INSERT INTO partners (id, name, kind) VALUES (%s, 'IT bank', 'bank')",
                    (partner_id,))
    yield Partner(partner_id, password, broker)
    partners.delete_broker_user(partner_id)


@pytest.fixture
def consumer(broker, pool) -> Iterator[partners.PartnerConsumer]:  # noqa: F811
    ingest = Ingest(pool, registry, projector, SECRET, schema=pool.schema)
    running = partners.PartnerConsumer(ingest, broker, prefetch=2000, batch_size=500)
    stop = threading.Event()
    thread = threading.Thread(target=running.run, args=(stop,), daemon=True)
    thread.start()
    yield running
    stop.set()
    thread.join(timeout=15)


@pytest.mark.timeout(600)  # 10,000 grants and a broker restart
def test_r1_every_confirmed_grant_survives_a_killed_broker_once(
        private_broker, partner, consumer, pool):  # noqa: F811
    confirmed: set[str] = set()
    attempts = 0
    conn: amqp.Connection | None = None
    killed = False
    try:
        i = 0
        while i < GRANTS:
            message_id = f"r1-{i}"
            try:
                if conn is None:
                    conn = amqp.Connection(**connection_args(partner.uri), confirm_publish=True,
                                           connect_timeout=5)
                    conn.connect()
                    channel = conn.channel()
                attempts += 1
                channel.basic_publish(
                    amqp.Message(json.dumps(grant_body(f"G-{i}")).encode(),
                                 content_type="application/json", delivery_mode=2,
                                 message_id=message_id, type="credit.granted",
                                 user_id=partner.id, timestamp=int(time.time())),
                    exchange=partners.EXCHANGE, routing_key=f"{partner.id}.credit.granted")
                confirmed.add(message_id)
                i += 1
                if i == KILL_AFTER and not killed:
                    killed = True
                    private_broker.kill()  # kill -9 of the private node's VM, nothing else
            except (OSError, amqp.exceptions.AMQPError, ConnectionError):
                conn = None  # the same message goes again once the broker is back
                if not private_broker.answers():
                    private_broker.start()
    finally:
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - a connection to a killed broker
                pass
        if not private_broker.answers():
            private_broker.start()
    assert killed and len(confirmed) == GRANTS

    def all_in() -> bool:
        return counters(pool, partner.id)["accepted"] >= GRANTS

    wait_until(all_in, timeout=180, interval=0.5, message="every confirmed grant ingested")
    with pool.transaction() as cur:
        cur.execute("SELECT count(*), count(DISTINCT id) FROM credit_grants WHERE id LIKE %s",
                    (f"{partner.id}.%",))
        grants, distinct = cur.fetchone()
    seen = counters(pool, partner.id)
    assert grants == distinct == GRANTS  # every confirmed grant, none twice
    assert seen["accepted"] == GRANTS
    assert seen["rejected"] == 0
    # Repeats absorbed as duplicates: messages sent again by the publisher (attempts - GRANTS)
    # and deliveries committed but not acked when the broker died (redelivered after it).
    print(f"R1: {GRANTS} confirmed, {attempts - GRANTS} sent again, "
          f"{seen['duplicate']} duplicates absorbed")
