"""Prometheus metrics, liveness and readiness for every process (docs/operations.md).

Counters and histograms are updated where the work happens (HTTP in the gateway's WSGI app,
RPC in the `EventSourcing` dependency, appends in the unit of work, tracking in the
`Tracker`). Values that are state rather than events (relay lag, the store's head, partner
counters, pool use) are read when Prometheus scrapes, from the callbacks processes register
with `PROBES`. The same registry answers readiness: every check registered must pass.

Each process serves `GET /metrics`, `/health/live` and `/health/ready` on `METRICS_PORT`
(0, the default, picks a free port; the port taken is written to `METRICS_PORT_FILE` when
set, which is how `deploy/platform.sh` and the tests find a replica). The gateway also
answers the three on its API port.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from eventkit import logs

log = logs.get("eventkit.metrics")

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
DELAY_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)

HTTP_REQUESTS = Counter("coopleague_http_requests", "HTTP requests answered",
                        ["route", "method", "status"])
HTTP_SECONDS = Histogram("coopleague_http_request_seconds", "HTTP request latency",
                         ["route", "method", "status"], buckets=LATENCY_BUCKETS)
RPC_SECONDS = Histogram("coopleague_rpc_seconds", "RPC handling latency in the service",
                        ["service", "method", "outcome"], buckets=LATENCY_BUCKETS)
EVENTS_APPENDED = Counter("coopleague_events_appended", "events appended by this process",
                          ["service"])
TRACKING_APPLIED = Counter("coopleague_tracking_applied",
                           "events of another service applied by this process",
                           ["consumer", "source"])
TRACKING_DUPLICATES = Counter("coopleague_tracking_duplicates",
                              "deliveries dropped as already applied", ["consumer", "source"])
TRACKING_DELAY = Histogram("coopleague_tracking_delay_seconds",
                           "from an event's commit in its source to its application here",
                           ["consumer", "source"], buckets=DELAY_BUCKETS)

Family = GaugeMetricFamily | CounterMetricFamily
Check = Callable[[], tuple[bool, str]]


class Probes(Collector):
    """Scrape-time metrics and readiness checks registered by the process's components."""

    def __init__(self) -> None:
        self._collectors: dict[str, Callable[[], Iterable[Family]]] = {}
        self._checks: dict[str, Check] = {}
        self._lock = threading.Lock()

    def add_collector(self, name: str, fn: Callable[[], Iterable[Family]]) -> None:
        with self._lock:
            self._collectors[name] = fn

    def add_check(self, name: str, fn: Check) -> None:
        with self._lock:
            self._checks[name] = fn

    def remove(self, name: str) -> None:
        with self._lock:
            self._collectors.pop(name, None)
            self._checks.pop(name, None)

    def collect(self) -> Iterable[Family]:
        with self._lock:
            collectors = list(self._collectors.items())
        for name, fn in collectors:
            try:
                yield from list(fn())
            except Exception as exc:  # noqa: BLE001 - a scrape shows what it can
                log.info("metrics collector failed", collector=name, error=str(exc)[:200])

    def ready(self) -> tuple[bool, dict[str, str]]:
        with self._lock:
            checks = list(self._checks.items())
        results: dict[str, str] = {}
        ok = True
        for name, fn in checks:
            try:
                passed, detail = fn()
            except Exception as exc:  # noqa: BLE001 - a failing check is a failed check
                passed, detail = False, f"{type(exc).__name__}: {str(exc)[:120]}"
            ok = ok and passed
            results[name] = ("ok" if passed else "failing") + (f": {detail}" if detail else "")
        return ok, results


PROBES = Probes()
REGISTRY.register(PROBES)


def gauge(name: str, doc: str, labels: list[str],
          values: Iterable[tuple[Iterable[str], float]]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, doc, labels=labels)
    for label_values, value in values:
        family.add_metric(list(label_values), value)
    return family


def counter(name: str, doc: str, labels: list[str],
            values: Iterable[tuple[Iterable[str], float]]) -> CounterMetricFamily:
    family = CounterMetricFamily(name, doc, labels=labels)
    for label_values, value in values:
        family.add_metric(list(label_values), value)
    return family


def pool_collector(pool: Any, name: str) -> Callable[[], Iterable[Family]]:
    def collect() -> Iterable[Family]:
        held = pool.held()
        yield gauge("coopleague_db_pool_connections",
                    "database connections of a pool by state (max = the pool's size)",
                    ["pool", "state"],
                    [((name, "in_use"), held["in_use"]),
                     ((name, "idle"), held["open"] - held["in_use"]),
                     ((name, "max"), held["max"])])
        yield gauge("coopleague_db_pool_waiting", "callers waiting for a connection",
                    ["pool"], [((name,), getattr(pool, "waiting", 0))])
    return collect


# -- the HTTP side ---------------------------------------------------------------------
def render() -> tuple[bytes, str]:
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def health_answer(path: str) -> tuple[int, dict[str, Any]] | None:
    """(status, body) for /health/live and /health/ready; None for another path."""
    if path == "/health/live":
        return 200, {"status": "live", "pid": os.getpid()}
    if path == "/health/ready":
        ok, checks = PROBES.ready()
        return (200 if ok else 503), {"status": "ready" if ok else "not_ready",
                                      "checks": checks, "pid": os.getpid()}
    return None


def wsgi_app(environ: dict, start_response: Callable) -> list[bytes]:
    path = environ.get("PATH_INFO", "")
    if path == "/metrics":
        body, ctype = render()
        start_response("200 OK", [("Content-Type", ctype)])
        return [body]
    answer = health_answer(path)
    if answer is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]
    status, payload = answer
    start_response(f"{status} {'OK' if status == 200 else 'Service Unavailable'}",
                   [("Content-Type", "application/json")])
    return [json.dumps(payload).encode()]


class ProbeServer:
    """The process's one HTTP listener for /metrics and the health checks (eventlet)."""

    _instance: ProbeServer | None = None

    def __init__(self) -> None:
        self.port: int | None = None
        self._sock: Any = None
        self._thread: Any = None

    @classmethod
    def ensure(cls) -> ProbeServer:
        arm_graceful_stop()
        if cls._instance is None:
            cls._instance = cls()
            cls._instance.start()
        return cls._instance

    def start(self) -> None:
        import eventlet
        import eventlet.wsgi

        host = os.environ.get("METRICS_BIND", "127.0.0.1")
        port = int(os.environ.get("METRICS_PORT", "0"))
        # never SO_REUSEPORT: two replicas must not share (and split) one metrics port
        self._sock = eventlet.listen((host, port), reuse_port=False)
        self.port = self._sock.getsockname()[1]
        self._thread = eventlet.spawn(eventlet.wsgi.server, self._sock, wsgi_app,
                                      log_output=False, log=_Quiet())
        port_file = os.environ.get("METRICS_PORT_FILE")
        if port_file:
            with open(port_file, "w") as fh:
                fh.write(f"{self.port}\n")
        log.info("probes listening", port=self.port, host=host)


class _Quiet:
    def write(self, *_: Any) -> None:
        pass

    def flush(self) -> None:
        pass


# -- graceful stop -----------------------------------------------------------------------
_stopping = threading.Event()


def arm_graceful_stop() -> None:
    """On SIGTERM: readiness turns false at once (balancers stop sending), nameko's own
    handler then stops the entrypoints and waits for in-flight workers; should that take
    longer than `STOP_GRACE_SECONDS` (default 25, inside the 30 s an orchestrator waits),
    the process exits anyway. Idempotent; call it after nameko installed its handler."""
    import signal

    if getattr(arm_graceful_stop, "armed", False):
        return
    previous = signal.getsignal(signal.SIGTERM)
    grace = int(float(os.environ.get("STOP_GRACE_SECONDS", "25")))

    def overdue(signum: int, frame: Any) -> None:
        log.warning("graceful stop overran its grace period: exiting", seconds=grace)
        os._exit(1)

    def on_term(signum: int, frame: Any) -> None:
        if not _stopping.is_set():
            _stopping.set()
            signal.signal(signal.SIGALRM, overdue)
            signal.alarm(max(1, grace))
        if callable(previous):
            previous(signum, frame)

    signal.signal(signal.SIGTERM, on_term)
    PROBES.add_check("stopping", lambda: (not _stopping.is_set(),
                                          "stopping" if _stopping.is_set() else ""))
    arm_graceful_stop.armed = True  # type: ignore[attr-defined]
