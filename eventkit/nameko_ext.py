"""nameko glue: the `EventSourcing` dependency, RPC conventions and error registration."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import psycopg2.errors
from nameko.exceptions import get_module_path
from nameko.exceptions import registry as exception_registry
from nameko.extensions import DependencyProvider
from nameko.standalone.rpc import ClusterRpcProxy

from eventkit import config, db, heap, logs, metrics, once, wire
from eventkit.errors import ALL_ERRORS, CoopLeagueError, RuleViolation
from eventkit.jsonable import jsonable  # noqa: F401 - the services import it from here
from eventkit.maintenance import Maintainer
from eventkit.projection import Projector
from eventkit.registry import EventRegistry
from eventkit.relay import Relay
from eventkit.rpc_entrypoint import rpc
from eventkit.store import EventStore
from eventkit.tracking import Tracker, TrackingListener
from eventkit.uow import UnitOfWork
from eventkit.wakeup import CommitNotifier

# every process of the platform (the services, the gateway) imports this module first
wire.install()

for _cls in ALL_ERRORS:
    # the gateway gets the same class back from a RemoteError, with its details
    exception_registry[get_module_path(_cls)] = _cls



# Problem+json members that a rule's details must not overwrite in the gateway's answer.
RESERVED_DETAILS = frozenset({"type", "title", "status", "detail"})


def mapped_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The one error mapping of every service entrypoint.

    - A domain error crosses as itself; details named like problem members (`status`, ...)
      are renamed `current_<name>` so they never replace the problem's own members.
    - A read-model unique index refusing a racing duplicate is a 409 `duplicate`, not a 500;
      the service names its constraints in `unique_constraints` ({name: "a thing"}).
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CoopLeagueError as err:
            if not RESERVED_DETAILS & set(err.details):
                raise
            details = {(f"current_{k}" if k in RESERVED_DETAILS else k): v
                       for k, v in err.details.items()}
            raise type(err)(err.detail, details) from None
        except psycopg2.errors.UniqueViolation as exc:
            name = getattr(getattr(exc, "diag", None), "constraint_name", None) or ""
            names = getattr(args[0], "unique_constraints", {}) if args else {}
            what = names.get(name, "this record")
            raise RuleViolation(f"{what} already exists (a concurrent request created it first)",
                                {"rule": "duplicate", "constraint": name}) from None

    return wrapper


def command(fn):
    """An RPC whose domain errors are expected answers, not crashes worth a stack trace,
    mapped by `mapped_errors`.

    (nameko drops keyword arguments when its decorator is called with the function
    directly, hence the explicit two-step call.)
    """
    return rpc(expected_exceptions=ALL_ERRORS)(mapped_errors(fn))


log = logs.get("eventkit.nameko")


def extra_pools(container: Any) -> dict[str, db.Pool]:
    """Pools of a service's other dependencies (funding's partner ingest), by name."""
    found = {}
    for dep in getattr(container, "dependencies", ()):
        pool = getattr(dep, "pool", None)
        if isinstance(pool, db.Pool) and not isinstance(dep, EventSourcing):
            found[getattr(dep, "attr_name", type(dep).__name__)] = pool
    return found


class ServiceContext:
    """What a worker gets: the unit of work with request metadata bound."""

    def __init__(self, provider: EventSourcing, context_data: dict[str, Any]) -> None:
        self.provider = provider
        self.uow = provider.uow
        self.store = provider.store
        self.pool = provider.pool
        self.service = provider.service
        self.correlation_id = context_data.get("correlation_id")
        self.actor = context_data.get("actor")

    @property
    def metadata(self) -> dict[str, Any]:
        return {"correlation_id": self.correlation_id, "actor": self.actor}

    def run(self, handler, command_id: str | None = None, retries: int = 3, then=None):
        return self.uow.run(handler, command_id=command_id, metadata=self.metadata,
                            retries=retries, then=then)

    def read(self, fn, autocommit: bool = False):
        return self.uow.read(fn, autocommit)

    def claim_once(self, name: str, period: str) -> bool:
        """Whether this process is the one to run `name` for `period` (eventkit.once)."""
        return once.claim(self.pool, name, period)

    def read_feed(self, after: int, limit: int, types: list[str] | None = None) -> list[dict]:
        with self.pool.transaction() as cur:
            return self.store.read_feed(cur, after, min(limit, 5000), types)


class TrackedSources:
    """The tracking consumers of one process: per source a Tracker, its queue listener and
    timer, and a feed proxy of its own for `read_feed` over RPC.

    A standalone proxy's reply queue allows one reader at a time ("Second simultaneous
    read"), so each source's pulls are serialised on its own lock; sources pull in parallel.
    """

    def __init__(self, consumer: str, projectors: dict[str, Projector], pool: db.Pool,
                 nameko_config: dict[str, Any], durable: bool = True) -> None:
        self.nameko_config = nameko_config
        self._proxies: dict[str, tuple[ClusterRpcProxy, Any]] = {}
        self._locks = {source: threading.Lock() for source in projectors}
        interval = config.env_float("TRACKING_TIMER_SECONDS", 5.0)
        self.listeners = [
            TrackingListener(Tracker(pool, consumer, source, projector,
                                     partial(self.read_feed, source), durable=durable),
                             config.amqp_uri(), timer_interval=interval)
            for source, projector in projectors.items()
        ]

    def read_feed(self, source: str, after: int, limit: int) -> list[dict]:
        with self._locks[source]:
            if source not in self._proxies:
                runner = ClusterRpcProxy(self.nameko_config, timeout=10)
                self._proxies[source] = (runner, runner.start())
            try:
                return getattr(self._proxies[source][1], source).read_feed(after, limit)
            except Exception:
                # a timed-out or broken proxy is replaced on the next pull
                runner, _ = self._proxies.pop(source)
                try:
                    runner.stop()
                except Exception:  # noqa: BLE001 - it is being discarded anyway
                    pass
                raise

    def register_probes(self, name: str) -> None:
        """Tracking lag per source in the metrics; readiness false while a consumer is more
        than `TRACKING_READY_LAG` events (default 500, one feed page) behind what it knows
        of its source, or still reading full pages of a catch-up."""
        threshold = config.env_int("TRACKING_READY_LAG", 500)
        trackers = [listener.tracker for listener in self.listeners]

        def collect():
            yield metrics.gauge(
                "coopleague_tracking_lag_events",
                "events of the source known here and not yet applied (head seen - position)",
                ["consumer", "source"], [((t.consumer, t.source), t.lag) for t in trackers])
            yield metrics.gauge(
                "coopleague_tracking_position", "the source position applied",
                ["consumer", "source"],
                [((t.consumer, t.source), t.applied_position) for t in trackers])

        def check() -> tuple[bool, str]:
            behind = [f"{t.source} lag {t.lag}" + (" catching up" if t.catching_up else "")
                      for t in trackers if t.lag > threshold or t.catching_up]
            return not behind, ", ".join(behind)

        if trackers:
            metrics.PROBES.add_collector(f"{name}.tracking", collect)
            metrics.PROBES.add_check(f"{name}.tracking", check)

    def start(self, spawn, stop: threading.Event) -> None:
        for listener in self.listeners:
            spawn(partial(listener.run_consumer, stop))
            spawn(partial(listener.run_timer, stop))

    def stop(self) -> None:
        for runner, _ in list(self._proxies.values()):  # a failing pull pops its own
            try:
                runner.stop()
            except Exception as exc:  # noqa: BLE001 - a reply listener still reading at exit
                log.info("feed proxy stopped uncleanly", error=str(exc)[:200])
        self._proxies.clear()


def wait_for_thread(thread: Any, what: str, timeout: float = 15.0) -> None:
    """Wait (green under eventlet) for a managed thread told to stop; a thread still
    running after `timeout` is logged and left to the container, which kills it."""
    if thread is None:
        return
    import eventlet
    import greenlet

    try:
        with eventlet.Timeout(timeout):
            thread.wait()
    except eventlet.Timeout:
        log.warning("thread did not stop in time", thread=what)
    except (Exception, greenlet.GreenletExit):  # noqa: BLE001 - it ended; how is its own log's
        pass


class EventSourcing(DependencyProvider):
    """Pool, store, unit of work, the relay and the tracking listeners of one service."""

    def __init__(self, service: str, registry: EventRegistry, projector: Projector,
                 tracked: dict[str, Projector] | None = None) -> None:
        self.service = service
        self.registry = registry
        self.projector = projector
        self.tracked = tracked or {}
        self._stop = threading.Event()

    def setup(self) -> None:
        logs.configure(self.service)
        db.assert_green()
        # the pool's maximum is the process's share of the instance budget, not one per
        # worker: workers and tracking consumers queue (green) for a connection
        self.pool = db.Pool(config.dsn(self.service), self.service,
                            size=config.pool_size("service"), application_name=self.service)
        self.store = EventStore(self.service, self.registry)
        self.uow = UnitOfWork(self.pool, self.store, [self.projector], self.service)
        self.relay = Relay(self.service, config.dsn(self.service), config.amqp_uri(),
                           poll_interval=config.env_float("RELAY_POLL_SECONDS", 2.0),
                           registry=self.registry)
        self.store.notifier = CommitNotifier(self.pool, self.store.channel,
                                             local=self.relay.wake_if_active)
        # a service's tracked facts publish nothing: applied without waiting for the flush
        self.sources = TrackedSources(self.service, self.tracked, self.pool,
                                      self.container.config, durable=False)
        self._started: dict[int, float] = {}
        self._register_probes()

    def _register_probes(self) -> None:
        service, pool, relay = self.service, self.pool, self.relay
        metrics.PROBES.add_collector(f"{service}.pool", metrics.pool_collector(pool, service))
        self.sources.register_probes(service)

        def store_state():
            with pool.transaction() as cur:
                cur.execute("SELECT coalesce(max(position), 0) FROM events")
                head = cur.fetchone()[0]
                cur.execute("SELECT coalesce(max(position), 0) FROM relay_checkpoint")
                relayed = cur.fetchone()[0]
            yield metrics.gauge("coopleague_event_store_head",
                                "the store's last position (its rate is the append rate)",
                                ["service"], [((service,), head)])
            yield metrics.gauge("coopleague_relay_lag_events",
                                "events stored and not yet confirmed by the broker",
                                ["service"], [((service,), max(0, head - relayed))])
            yield metrics.gauge("coopleague_relay_active",
                                "1 when this process holds the relay's lock",
                                ["service"], [((service,), 1 if relay.active else 0)])

        def database() -> tuple[bool, str]:
            with pool.transaction() as cur:
                cur.execute("SELECT 1")
            return True, ""

        metrics.PROBES.add_collector(f"{service}.store", store_state)
        metrics.PROBES.add_check(f"{service}.database", database)

    def start(self) -> None:
        self._stop.clear()
        self._relay_thread = self.container.spawn_managed_thread(
            partial(self.relay.run_forever, self._stop))
        self.sources.start(self.container.spawn_managed_thread, self._stop)
        self._maintenance_thread = self.container.spawn_managed_thread(
            partial(Maintainer(self.pool, self.service).run_forever, self._stop))
        metrics.ProbeServer.ensure()
        heap.settle()
        log.info("service started", service=self.service, tracked=list(self.tracked))

    def stop(self) -> None:
        # the relay thread ends first (it uses its connections until it sees the stop),
        # then its connections and the pool are closed: never under a running thread
        self._stop.set()
        self.relay.wake_if_active()  # not a poll interval's wait for the stop to be seen
        wait_for_thread(getattr(self, "_relay_thread", None), "relay")
        wait_for_thread(getattr(self, "_maintenance_thread", None), "maintenance")
        self.sources.stop()
        self.relay.close()
        self.pool.close()

    def kill(self) -> None:
        self.stop()

    def connections(self) -> dict[str, Any]:
        """The PostgreSQL connections this process holds: its pools and its relay."""
        held: dict[str, Any] = {"pool": self.pool.held(),
                                "relay": 1 if self.relay.holds_connection() else 0}
        pools = [self.pool, *extra_pools(self.container).values()]
        for name, pool in extra_pools(self.container).items():
            held[name] = pool.held()
        held["total"] = sum(v["open"] if isinstance(v, dict) else v for v in held.values())
        # its pools' maxima and the relay's connection (eventkit.config.process_budget)
        held["budget"] = sum(pool.size for pool in pools) + config.PUBLISHER_CONNECTIONS
        return held

    def worker_setup(self, worker_ctx) -> None:
        data = worker_ctx.context_data
        logs.bind_request(data.get("correlation_id"), data.get("actor"), self.service)
        self._started[id(worker_ctx)] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None) -> None:
        started = self._started.pop(id(worker_ctx), None)
        if started is None:
            return
        if exc_info is None:
            outcome = "ok"
        elif isinstance(exc_info[1], ALL_ERRORS):
            outcome = "refused"  # a domain answer (4xx), not a failure
        else:
            outcome = "error"
        method = getattr(worker_ctx.entrypoint, "method_name", "?")
        metrics.RPC_SECONDS.labels(self.service, method, outcome).observe(
            time.perf_counter() - started)

    def get_dependency(self, worker_ctx) -> ServiceContext:
        return ServiceContext(self, worker_ctx.context_data)


class FeedMixin:
    """RPC methods every event-sourced service answers."""

    es: ServiceContext

    @rpc
    def read_feed(self, after: int = 0, limit: int = 500, types: list[str] | None = None):
        return self.es.read_feed(int(after), int(limit), types)

    # tables keyed by a person, for their copy: (label, table, key column)
    personal_records: tuple[tuple[str, str, str], ...] = ()

    @rpc
    def person_export(self, person_id: str) -> dict[str, Any]:
        """What this service holds about one person (PIPL Art. 45; eventkit/people.py)."""
        from eventkit import people

        return self.es.read(lambda cur: people.export(
            cur, self.es.store, self.es.service, str(person_id), self.personal_records))

    @rpc
    def health(self) -> dict[str, Any]:
        def probe(cur):
            cur.execute("SELECT coalesce(max(position), 0) FROM events")
            head = cur.fetchone()[0]
            cur.execute("SELECT consumer, source, position FROM tracking ORDER BY source")
            tracking = {r[1]: r[2] for r in cur.fetchall()}
            cur.execute("SELECT position FROM relay_checkpoint")
            row = cur.fetchone()
            return {"head": head, "relayed": row[0] if row else 0, "tracking": tracking}

        return {"status": "ok", **self.es.read(probe),
                "connections": self.es.provider.connections()}
