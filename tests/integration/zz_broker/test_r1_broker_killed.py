"""R1: RabbitMQ killed (`kill -9`) while a bank publishes 10,000 grants with confirms.

After the broker restarts, every confirmed grant is in the views and nothing took effect
twice. The publisher behaves as a bank's integration should: a message without a confirm is
sent again with the same message id (the consumer makes the repeat a no-op), so
unconfirmed messages may arrive twice and are counted as duplicates.
Deliveries committed but not yet acked when the broker died come again after the restart
and are absorbed the same way. This module runs last (directory `zz_broker`): it restarts
the machine's broker.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator

import amqp
import pytest

from eventkit.amqp_uri import connection_args
from services.funding import partners
from services.funding.contract.events import registry
from services.funding.ingest import Ingest
from services.funding.projections import projector
from tests.conftest import wait_until
from tests.integration.funding.test_partner_consumer import (  # noqa: F401 - fixtures
    SECRET,
    broker,
    counters,
    grant_body,
    partner,
    pool,
    schema,
)

GRANTS = 10_000
KILL_AFTER = 3_000

pytestmark = pytest.mark.skipif(shutil.which("rabbitmq-server") is None,
                                reason="needs a local RabbitMQ it may restart")


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


def broker_answers() -> bool:
    return subprocess.run(["rabbitmqctl", "-q", "await_startup", "--timeout", "5"],
                          capture_output=True).returncode == 0


def kill_broker() -> None:
    subprocess.run(["pkill", "-9", "-f", "beam.smp"], check=False)


def start_broker() -> None:
    subprocess.run(["rabbitmq-server", "-detached"], capture_output=True, check=False)
    wait_until(broker_answers, timeout=120, interval=1, message="RabbitMQ back")


@pytest.mark.timeout(600)  # 10,000 grants and a broker restart
def test_r1_every_confirmed_grant_survives_a_killed_broker_once(
        partner, consumer, pool):  # noqa: F811
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
                    kill_broker()
            except (OSError, amqp.exceptions.AMQPError, ConnectionError):
                conn = None  # the same message goes again once the broker is back
                if not broker_answers():
                    start_broker()
    finally:
        if conn is not None:
            conn.close()
        if not broker_answers():
            start_broker()
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
