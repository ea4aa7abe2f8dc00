"""One platform instance within its connection budget; the runner refuses an instance the
server cannot hold (issue 10, point 1)."""

from __future__ import annotations

import os
import subprocess
import threading
import time

import requests

from eventkit import budget, config, db
from tests.e2e.conftest import ROOT

PLATFORM_NAMES = ("org", "activities", "funding", "assessment", "gateway", "funding-partners",
                  "org.events", "activities.events", "funding.events", "assessment.events",
                  "departments.outbound")


def held_by_instance(cur, database: str) -> int:
    cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
                " AND application_name = ANY(%s)", (database, list(PLATFORM_NAMES)))
    return cur.fetchone()[0]


def test_health_shows_the_connections_of_every_process_within_the_budget(api):
    body = requests.get(api.base + "/health", timeout=10).json()
    processes = body["connections"]["processes"]
    assert set(processes) == {"org", "activities", "funding", "assessment", "gateway"}
    for name, held in processes.items():
        assert 0 <= held["total"] <= held["budget"], (name, held)
        assert held["pool"]["open"] <= held["pool"]["max"]
    assert processes["funding"]["inbound"]["max"] == config.pool_size("partners")
    assert body["connections"]["total"] == sum(p["total"] for p in processes.values())
    assert body["connections"]["budget"] <= 30


def test_the_instance_holds_at_most_thirty_connections_at_rest_and_under_load(api, platform):
    database = platform["DB_NAME"]
    watcher = db.connect(platform["DATABASE_URL"], "public")
    watcher.autocommit = True
    with watcher.cursor() as cur:
        at_rest = held_by_instance(cur, database)
    peak = [at_rest]
    stop = threading.Event()
    errors: list[str] = []

    def load(n: int) -> None:
        token = api.token(sub=f"load-{n}")
        session = requests.Session()
        for path in ["/api/v1/dashboard", "/api/v1/cooperatives?limit=50", "/health"] * 15:
            if stop.is_set():
                return
            r = session.get(api.base + path, headers={"Authorization": f"Bearer {token}"},
                            timeout=30)
            if r.status_code >= 500 and path != "/health":
                errors.append(f"{path}: {r.status_code} {r.text[:200]}")

    clients = [threading.Thread(target=load, args=(n,), daemon=True) for n in range(24)]
    for t in clients:
        t.start()
    deadline = time.monotonic() + 90
    with watcher.cursor() as cur:
        while any(t.is_alive() for t in clients) and time.monotonic() < deadline:
            peak.append(held_by_instance(cur, database))
            time.sleep(0.05)  # sampling pace, not synchronisation
    stop.set()
    for t in clients:
        t.join(timeout=30)
    watcher.close()
    assert not errors, errors[:3]
    assert at_rest <= 30
    assert max(peak) <= 30, f"peak {max(peak)} connections"


def test_the_runner_refuses_an_instance_the_server_cannot_hold(platform, tmp_path):
    room = budget.headroom(platform["DATABASE_URL"])
    env = {**os.environ, **platform, "VAR": str(tmp_path / "var"),
           "GATEWAY_PORT": str(int(platform["GATEWAY_PORT"]) + 900),
           # a pool larger than the server's free connections: nothing may start
           "SERVICE_POOL_SIZE": str(room.free + 10)}
    started = subprocess.run([str(ROOT / "deploy" / "platform.sh"), "start"], env=env,
                             capture_output=True, text=True, timeout=300)
    assert started.returncode == 1, started.stderr[-2000:]
    assert "PostgreSQL cannot hold this instance" in started.stderr
    assert "max_connections" in started.stderr
    assert not list((tmp_path / "var" / "run").glob("*.pid"))
