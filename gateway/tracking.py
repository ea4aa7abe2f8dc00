"""The gateway's consumers of the four services' events (feed) and the outbound publisher.

Wired with `eventkit.nameko_ext.TrackedSources`, as a service's tracked projections are:
per source a `Tracker` (consumer "gateway") with a `TrackingListener` (durable queue
`gateway.from.<source>` bound to `<source>.events`, plus a timer that pulls `read_feed`
over RPC as a safety net). The projector of each source copies
every event into the gateway's feed (`gateway/feed.py`). A second loop publishes the feed
to `departments.outbound` (`gateway/outbound.py`).
"""

from __future__ import annotations

import threading
from functools import partial
from typing import Any

from nameko.extensions import DependencyProvider

from deploy.services import SERVICES
from eventkit import config, db, heap, logs, metrics
from eventkit.maintenance import Maintainer
from eventkit.nameko_ext import TrackedSources, wait_for_thread
from gateway import feed, scope
from gateway.feed import FeedProjector
from gateway.outbound import OutboundPublisher, RoutingTable

log = logs.get("gateway.tracking")
CONSUMER = "gateway"


def _on_event(source: str, envelope: dict[str, Any]) -> None:
    if source == "org" and envelope.get("type") in scope.TREE_EVENTS:
        scope.subtrees().invalidate()


_pool: db.Pool | None = None


def shared_pool() -> db.Pool:
    """The gateway process's one pool: requests and the feed's trackers share it (each
    instance of the platform is one more set of connections on a shared PostgreSQL); its
    maximum is `GATEWAY_POOL_SIZE` (eventkit.config)."""
    global _pool
    if _pool is None:
        _pool = db.Pool(config.dsn("gateway"), "gateway", size=config.pool_size("gateway"),
                        application_name="gateway")
    return _pool


class GatewayTracking(DependencyProvider):
    def __init__(self) -> None:
        self._stop = threading.Event()
        self.publisher: OutboundPublisher | None = None

    def setup(self) -> None:
        logs.configure("gateway")
        self.pool = shared_pool()
        self.sources = TrackedSources(
            CONSUMER, {s: FeedProjector(s, _on_event) for s in SERVICES}, self.pool,
            self.container.config)
        self.publisher = OutboundPublisher(
            config.dsn("gateway"), config.amqp_uri(), RoutingTable.load(),
            poll_interval=config.env_float("RELAY_POLL_SECONDS", 2.0))
        self._register_probes()

    def _register_probes(self) -> None:
        pool, publisher = self.pool, self.publisher
        metrics.PROBES.add_collector("gateway.pool", metrics.pool_collector(pool, "gateway"))
        self.sources.register_probes("gateway")

        def outbound():
            with pool.transaction() as cur:
                cur.execute("SELECT coalesce(max(position), 0) FROM feed")
                head = cur.fetchone()[0]
                cur.execute("SELECT coalesce(max(position), 0) FROM outbound_checkpoint")
                done = cur.fetchone()[0]
            yield metrics.gauge("coopleague_relay_lag_events",
                                "events stored and not yet confirmed by the broker",
                                ["service"], [(("gateway.outbound",), max(0, head - done))])
            active = 1 if publisher is not None and publisher.active else 0
            yield metrics.gauge("coopleague_relay_active",
                                "1 when this process holds the relay's lock",
                                ["service"], [(("gateway.outbound",), active)])

        def database() -> tuple[bool, str]:
            with pool.transaction() as cur:
                cur.execute("SELECT 1")
            return True, ""

        metrics.PROBES.add_collector("gateway.outbound", outbound)
        metrics.PROBES.add_check("gateway.database", database)

    def start(self) -> None:
        self._stop.clear()
        try:
            with self.pool.transaction() as cur:
                remapped = feed.remap_actions(cur)
            if remapped:
                log.info("feed actions remapped", rows=remapped)
        except Exception as exc:  # noqa: BLE001 - the next start tries again
            log.warning("feed actions not remapped", error=str(exc)[:200])
        self.sources.start(self.container.spawn_managed_thread, self._stop)
        if self.publisher is not None:
            self._publisher_thread = self.container.spawn_managed_thread(
                partial(self.publisher.run_forever, self._stop))
        self._maintenance_thread = self.container.spawn_managed_thread(
            partial(Maintainer(self.pool, "gateway").run_forever, self._stop))
        metrics.ProbeServer.ensure()
        heap.settle()
        log.info("gateway feed started", sources=list(SERVICES))

    def stop(self) -> None:
        self._stop.set()
        if self.publisher is not None:
            self.publisher.wake_if_active()  # not a poll interval's wait for the stop
        # the publisher's thread ends before its connection and the pool are closed
        wait_for_thread(getattr(self, "_publisher_thread", None), "departments.outbound")
        wait_for_thread(getattr(self, "_maintenance_thread", None), "maintenance")
        self.sources.stop()
        if self.publisher is not None:
            self.publisher.close()
        self.pool.close()

    def kill(self) -> None:
        self.stop()

    def connections(self) -> dict[str, Any]:
        """The PostgreSQL connections the gateway process holds (for /health)."""
        publisher = 1 if self.publisher is not None and self.publisher.holds_connection() else 0
        pool = self.pool.held()
        return {"pool": pool, "outbound": publisher, "total": pool["open"] + publisher,
                "budget": config.process_budget(("gateway",))}

    def get_dependency(self, worker_ctx: Any) -> GatewayTracking:
        return self
