"""Readiness and scrape-time metrics (eventkit.metrics), without I/O."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from eventkit import metrics
from eventkit.nameko_ext import TrackedSources
from eventkit.projection import Projector


class _NoPool:
    def transaction(self):  # pragma: no cover - the tests never touch the database
        raise AssertionError("no I/O in unit tests")


def _samples(name: str) -> dict[tuple, float]:
    text = metrics.render()[0].decode()
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                out[tuple(sorted(sample.labels.items()))] = sample.value
    return out


def _sources(monkeypatch, consumer: str) -> TrackedSources:
    monkeypatch.setenv("TRACKING_READY_LAG", "100")
    sources = TrackedSources(consumer, {"org": Projector("org", []), "funding": Projector("f", [])},
                             _NoPool(), {})  # type: ignore[arg-type]
    sources.register_probes(consumer)
    return sources


def test_ready_while_every_consumer_is_within_the_threshold(monkeypatch):
    sources = _sources(monkeypatch, "t_ready")
    try:
        for listener in sources.listeners:
            listener.tracker.seen_head, listener.tracker.applied_position = 150, 60
        ok, checks = metrics.PROBES.ready()
        assert ok, checks
        assert checks["t_ready.tracking"] == "ok"
    finally:
        metrics.PROBES.remove("t_ready.tracking")


def test_not_ready_while_a_consumer_lags_past_the_threshold(monkeypatch):
    sources = _sources(monkeypatch, "t_lag")
    try:
        org = sources.listeners[0].tracker
        org.seen_head, org.applied_position = 500, 399
        ok, checks = metrics.PROBES.ready()
        assert not ok
        assert checks["t_lag.tracking"] == "failing: org lag 101"
        assert _samples("coopleague_tracking_lag_events")[
            (("consumer", "t_lag"), ("source", "org"))] == 101
        org.applied_position = 400  # caught up to within the threshold
        assert metrics.PROBES.ready()[0]
    finally:
        metrics.PROBES.remove("t_lag.tracking")


def test_not_ready_while_a_catch_up_reads_full_pages(monkeypatch):
    sources = _sources(monkeypatch, "t_pages")
    try:
        sources.listeners[1].tracker.catching_up = True
        ok, checks = metrics.PROBES.ready()
        assert not ok
        assert "funding lag 0 catching up" in checks["t_pages.tracking"]
    finally:
        metrics.PROBES.remove("t_pages.tracking")


def test_a_failing_collector_leaves_the_rest_of_the_scrape(monkeypatch):
    def broken():
        raise RuntimeError("database away")
        yield  # pragma: no cover

    metrics.PROBES.add_collector("t_broken", broken)
    metrics.PROBES.add_collector("t_fine", lambda: [metrics.gauge(
        "coopleague_test_gauge", "a test gauge", ["x"], [(("y",), 3)])])
    try:
        assert _samples("coopleague_test_gauge") == {(("x", "y"),): 3}
    finally:
        metrics.PROBES.remove("t_broken")
        metrics.PROBES.remove("t_fine")


def test_a_failing_check_makes_the_process_not_ready():
    def down() -> tuple[bool, str]:
        raise OSError("connection refused")

    metrics.PROBES.add_check("t_db", down)
    try:
        status, body = metrics.health_answer("/health/ready")  # type: ignore[misc]
        assert status == 503
        assert body["checks"]["t_db"].startswith("failing: OSError")
        assert metrics.health_answer("/health/live")[0] == 200  # type: ignore[index]
    finally:
        metrics.PROBES.remove("t_db")


def test_pool_use_is_exported():
    class Pool:
        waiting = 1

        def held(self) -> dict[str, int]:
            return {"open": 5, "in_use": 3, "max": 14}

    metrics.PROBES.add_collector("t_pool", metrics.pool_collector(Pool(), "t_pool"))
    try:
        values = _samples("coopleague_db_pool_connections")
        assert values[(("pool", "t_pool"), ("state", "in_use"))] == 3
        assert values[(("pool", "t_pool"), ("state", "max"))] == 14
        assert _samples("coopleague_db_pool_waiting")[(("pool", "t_pool"),)] == 1
    finally:
        metrics.PROBES.remove("t_pool")
