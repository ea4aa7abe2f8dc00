"""R5: the relay's network path to RabbitMQ swallows everything for 30 s (RELIABILITY.md).

The broker is a private node of this test run (`private_broker`), never the machine's.
"""

from __future__ import annotations

import threading
import time
from urllib.parse import urlparse

import kombu
import pytest

from eventkit import db
from eventkit.aggregate import NewEvent
from eventkit.relay import Relay, exchange_name
from eventkit.store import EventStore
from tests.conftest import wait_until
from tests.integration.eventkit.model import registry
from tests.support.tcpproxy import TcpProxy


@pytest.mark.timeout(300)  # a 30 s fault, then the catch-up
@pytest.mark.slow
def test_r5_thirty_seconds_of_network_blackhole_lose_nothing(dsn, private_broker, kit_schema):
    """The relay talks to RabbitMQ through a proxy that swallows everything for 30 s."""
    amqp_uri = private_broker.vhost(f"r5_{kit_schema}")
    url = urlparse(amqp_uri)
    proxy = TcpProxy(url.hostname or "127.0.0.1", url.port or 5672)
    proxied = amqp_uri.replace(f"{url.hostname}:{url.port or 5672}", f"127.0.0.1:{proxy.port}")
    store = EventStore(kit_schema, registry)
    pool = db.Pool(dsn, kit_schema, size=1)
    with kombu.Connection(amqp_uri) as conn:
        exchange = kombu.Exchange(exchange_name(kit_schema), "topic", durable=True,
                                  auto_delete=False)
        queue = kombu.Queue(f"r5.{kit_schema}", exchange, routing_key="#", durable=True,
                            auto_delete=False)
        queue(conn.default_channel).declare()
        relay = Relay(kit_schema, dsn, proxied, schema=kit_schema, poll_interval=0.2,
                      confirm_timeout=5)
        stop = threading.Event()
        runner = threading.Thread(target=relay.run_forever, args=(stop,), daemon=True)
        runner.start()
        try:
            def append(n: int, prefix: str) -> None:
                with pool.transaction() as cur:
                    for i in range(n):
                        store.append(cur, f"{prefix}-{i}", 0,
                                     [NewEvent("CounterIncremented", {"by": 1})], {})

            def queued() -> int:
                return queue(conn.default_channel).queue_declare(passive=True).message_count

            append(20, "before")
            wait_until(lambda: queued() >= 20, message="events before the blackhole")
            proxy.blackhole()
            append(30, "during")
            blackhole_ends = time.monotonic() + 30
            while time.monotonic() < blackhole_ends:  # the fault lasts 30 s by definition
                time.sleep(0.5)
            proxy.restore()
            proxy.cut()  # the dead path's half-open connections are gone afterwards
            append(10, "after")
            wait_until(lambda: queued() >= 60, timeout=60, message="all 60 events delivered")
            positions = set()
            bound = queue(conn.default_channel)
            while (message := bound.get(no_ack=True)) is not None:
                positions.add(message.headers["position"])
            with pool.transaction() as cur:
                cur.execute("SELECT position FROM events")
                stored = {r[0] for r in cur.fetchall()}
            assert positions == stored  # nothing lost (duplicates collapse by position)
        finally:
            stop.set()
            runner.join(timeout=10)
            relay.close()
            queue(conn.default_channel).delete()
            exchange(conn.default_channel).delete()
            proxy.close()
            pool.close()
