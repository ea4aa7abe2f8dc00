"""Every process answers /metrics (Prometheus text), /health/live and /health/ready.

The services' listeners are on ports of their own, found in `$VAR/run/<name>.metrics-port`
(deploy/platform.sh); the gateway answers the three on its API port too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import wait_until
from tests.e2e import test_gateway_kit as kit

PROCESSES = ("org", "activities", "funding", "assessment", "gateway")


def probe_base(platform: dict[str, str], name: str) -> str:
    path = Path(platform["VAR"]) / "run" / f"{name}.metrics-port"
    port = wait_until(lambda: path.exists() and path.read_text().strip(),
                      message=f"{path} to be written")
    return f"http://127.0.0.1:{port}"


def scrape(base: str) -> dict[str, list]:
    r = requests.get(base + "/metrics", timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/plain; version=")
    samples: dict[str, list] = {}
    for family in text_string_to_metric_families(r.text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


@pytest.mark.parametrize("name", PROCESSES)
def test_each_process_is_live_and_ready(api, platform, name):
    base = probe_base(platform, name)
    assert requests.get(base + "/health/live", timeout=10).status_code == 200
    r = wait_until(lambda: (x := requests.get(base + "/health/ready", timeout=10))
                   .status_code == 200 and x, message=f"{name} ready")
    assert r.json()["status"] == "ready"
    assert all(v == "ok" for v in r.json()["checks"].values()), r.json()


def test_the_gateway_counts_requests_per_route_template_and_status(api, platform):
    t = kit.tree(api)
    assert api.get(f"/api/v1/units/{t['a']}").status_code == 200
    assert api.get("/api/v1/units/no-such-unit").status_code == 404
    samples = scrape(api.base)
    counts = {(s.labels["route"], s.labels["method"], s.labels["status"]): s.value
              for s in samples["coopleague_http_requests_total"]}
    assert counts[("/api/v1/units/{id}", "GET", "200")] >= 1
    assert counts[("/api/v1/units/{id}", "GET", "404")] >= 1
    assert not any(t["a"] in route for route, _, _ in counts)  # templates, not ids
    buckets = [s for s in samples["coopleague_http_request_seconds_bucket"]
               if s.labels["route"] == "/api/v1/units/{id}"]
    assert buckets and max(s.value for s in buckets) >= 1
    assert api.get("/health/ready").status_code == 200


def test_services_export_rpc_latency_relay_and_tracking_lag_and_pools(api, platform):
    kit.tree(api)  # org commands, tracked by the others
    for name in ("org", "activities", "funding", "assessment"):
        samples = wait_until(lambda n=name: "coopleague_event_store_head" in (
            x := scrape(probe_base(platform, n))) and x, timeout=60, message=f"{name} head")
        head = {s.labels["service"]: s.value for s in samples["coopleague_event_store_head"]}
        assert name in head
        assert "coopleague_relay_lag_events" in samples
        assert {s.labels["state"] for s in samples["coopleague_db_pool_connections"]
                if s.labels["pool"] == name} == {"in_use", "idle", "max"}
        if name != "org":  # the others track org
            lag = {s.labels["source"]: s.value for s in samples["coopleague_tracking_lag_events"]}
            assert "org" in lag
    org = scrape(probe_base(platform, "org"))
    methods = {s.labels["method"] for s in org["coopleague_rpc_seconds_count"]}
    assert {"create_unit", "register_member"} <= methods
    assert sum(s.value for s in org["coopleague_events_appended_total"]) >= 1
    # scrape-time values read the database: on a busy shared server a scrape may miss them
    funding = wait_until(lambda: "coopleague_partner_dead_letters" in (
        f := scrape(probe_base(platform, "funding"))) and f, timeout=60,
        message="funding's partner metrics")
    assert funding["coopleague_partner_dead_letters"][0].value >= 0


def test_the_relay_of_each_service_is_active_in_exactly_one_process(api, platform):
    def active() -> dict[str, float]:
        out: dict[str, float] = {}
        for name in PROCESSES:
            for s in scrape(probe_base(platform, name)).get("coopleague_relay_active", []):
                out[s.labels["service"]] = out.get(s.labels["service"], 0) + s.value
        return out

    state = wait_until(lambda: (a := active()) and all(v == 1 for v in a.values()) and a,
                       timeout=90, message="one active relay per service")
    assert set(state) == {"org", "activities", "funding", "assessment", "gateway.outbound"}
