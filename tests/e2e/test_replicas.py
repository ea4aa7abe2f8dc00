"""Replicas proven convergent (issue 14): several processes of every service and two gateways
under a load of commands, partner grants and reads, while replicas are killed with SIGKILL
at random moments and started again, then restarted one by one with SIGTERM.

At the end: every accepted command and every partner grant is there exactly once, every
tracking consumer reached its source's head, the gateway's feed holds every event of every
service once, the read models equal a rebuild from the events, and at no sampled moment did
two processes hold one service's relay lock.

The number of service replicas is sized from the shared PostgreSQL's headroom (3 when it
holds them, else 2) with small pools; when not even 2 fit, it waits for the server to have
room (other instances' tests end) rather than test less.

It runs after every other test (`after_all`, order 2: after the backup drill), since it
stops and restarts the instance's platform with replicas.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg2
import pytest
import requests

from deploy.services import SERVICES, process_budget
from eventkit import budget
from tests.conftest import wait_until
from tests.e2e.conftest import ROOT, cooperative_body, rng
from tests.e2e.test_backup_drill import caught_up, tables
from tests.e2e.test_funding_kit import grant_body, onboarded_partner

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200), pytest.mark.after_all(order=2)]

POOLS = {"SERVICE_POOL_SIZE": "2", "GATEWAY_POOL_SIZE": "3", "PARTNERS_POOL_SIZE": "1"}
GATEWAYS = 2


def platform_sh(env: dict[str, str], command: str, room_timeout: float = 300) -> None:
    """platform.sh start refuses what the shared PostgreSQL cannot hold: a replica killed by
    this test gave its connections back, and another instance on the server may have taken
    them meanwhile; its start again waits for room (polled, with a deadline)."""
    last: list[subprocess.CompletedProcess] = []

    def ran() -> bool:
        done = subprocess.run([str(ROOT / "deploy" / "platform.sh"), command], env=env,
                              capture_output=True, text=True, timeout=600)
        last[:] = [done]
        if done.returncode == 0:
            return True
        assert "too few free connections" in done.stderr, done.stderr[-3000:]
        return False

    try:
        wait_until(ran, timeout=room_timeout, interval=5, message=f"platform.sh {command}")
    except AssertionError:
        raise AssertionError(last[0].stderr[-3000:] if last else command) from None


def names(env: dict[str, str], process: str) -> list[str]:
    count = int(env["GATEWAY_REPLICAS"] if process == "gateway" else env["REPLICAS"])
    return [process] + [f"{process}-{i}" for i in range(2, count + 1)]


def pid_of(env: dict[str, str], name: str) -> int | None:
    path = Path(env["VAR"]) / "run" / f"{name}.pid"
    try:
        return int(path.read_text())
    except (FileNotFoundError, ValueError):
        return None


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] == "Z"
    except FileNotFoundError:
        return True


@pytest.fixture(scope="module")
def replicated(platform):
    env = {**platform, **POOLS, "GATEWAY_REPLICAS": str(GATEWAYS), "STOP_WAIT_SECONDS": "30"}
    platform_sh(platform, "stop")
    with_pools = {**os.environ, **env}
    os.environ.update(POOLS)
    try:
        per_set = sum(process_budget(s) for s in SERVICES)
        gateways = GATEWAYS * process_budget("gateway")
    finally:
        for key in POOLS:
            os.environ.pop(key, None)
    def fitting() -> int | None:
        free = budget.headroom(with_pools["DATABASE_URL"]).free - 6  # the test's own, tools
        return next((n for n in (3, 2) if n * per_set + gateways <= free), None)

    # the server is shared: when not even 2 replicas fit, wait for room
    try:
        replicas = int(wait_until(fitting, timeout=600, interval=10,  # type: ignore[arg-type]
                                  message="PostgreSQL to have room for 2 replicas"))
    except AssertionError:
        platform_sh(platform, "start")
        raise
    env["REPLICAS"] = str(replicas)
    try:
        platform_sh(env, "start")
        yield env
    finally:
        platform_sh(env, "stop")
        platform_sh(platform, "start")


class Load:
    """Commands (cooperatives with Idempotency-Key, retried with the same key until
    answered), partner grants over AMQP (confirmed), and reads, until stopped."""

    def __init__(self, api, partner) -> None:
        self.api = api
        self.partner = partner
        self.stop = threading.Event()
        self.created: list[str] = []
        self.keys: list[str] = []
        self.grants: list[str] = []
        self.duplicates = 0
        self.reads = 0
        self.errors: list[str] = []
        self.threads = [threading.Thread(target=self._guard(f), daemon=True)
                        for f in (self.commands, self.grants_loop, self.reads_loop)]

    def _guard(self, fn: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - reported by the test
                self.errors.append(f"{fn.__name__}: {exc!r}")
        return run

    def start(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=300)
        assert not any(t.is_alive() for t in self.threads), "load threads did not finish"
        assert not self.errors, self.errors

    def commands(self) -> None:
        while not self.stop.is_set():
            key = f"replica-{uuid.uuid4().hex}"
            body = cooperative_body()
            self.keys.append(key)

            def answered(k: str = key, b: dict = body) -> Any:
                try:
                    r = self.api.post("/api/v1/cooperatives", b, headers={"Idempotency-Key": k})
                except requests.RequestException:
                    return None
                return r if r.status_code in (200, 201) else None

            r = wait_until(answered, timeout=120, interval=0.2,
                           message=f"cooperative {key} to be accepted")
            self.created.append(r.json()["id"])

    def grants_loop(self) -> None:
        while not self.stop.is_set():
            grant_id = f"G-{uuid.uuid4().hex[:12]}"
            body = grant_body(grant_id)

            def published(g: dict = body) -> str | None:
                try:
                    return self.partner.publish("credit.granted", g)
                except Exception:  # noqa: BLE001 - the broker is not what is killed; retry
                    return None

            message_id = wait_until(published, timeout=60, interval=0.2,
                                    message="a confirmed partner publish")
            self.grants.append(grant_id)
            if rng.random() < 0.2:  # a partner retrying: the same message again
                self.partner.publish("credit.granted", body, message_id=message_id)
                self.duplicates += 1

    def reads_loop(self) -> None:
        while not self.stop.is_set():
            try:
                self.api.get("/api/v1/cooperatives", params={"limit": 20})
                self.reads += 1
            except requests.RequestException:
                pass
            self.stop.wait(0.05)


class RelayWatch:
    """Samples PostgreSQL's advisory locks (one atomic snapshot per sample): how many
    sessions hold each relay's lock."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.stop = threading.Event()
        self.most: dict[str, int] = {}
        self.samples = 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        from eventkit.relay import relay_lock_key

        keys = {relay_lock_key(s) & 0xFFFFFFFF: s for s in SERVICES}
        conn = psycopg2.connect(self.dsn, application_name="relay-watch")
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                while not self.stop.is_set():
                    cur.execute("SELECT objid, count(*) FROM pg_locks WHERE locktype = 'advisory'"
                                " AND granted AND database = (SELECT oid FROM pg_database"
                                " WHERE datname = current_database()) GROUP BY objid")
                    for objid, holders in cur.fetchall():
                        service = keys.get(int(objid))
                        if service:
                            self.most[service] = max(self.most.get(service, 0), holders)
                    self.samples += 1
                    self.stop.wait(0.1)
        finally:
            conn.close()


def chaos_kill(env: dict[str, str], rounds: int) -> list[str]:
    """SIGKILL one random replica of each service and one gateway per round, at random
    moments, then start what is missing (platform.sh start waits for /health)."""
    killed: list[str] = []
    pause = threading.Event()
    for _ in range(rounds):
        for process in (*SERVICES, "gateway"):
            name = rng.choice(names(env, process))
            pid = pid_of(env, name)
            if pid is not None and not gone(pid):
                os.kill(pid, signal.SIGKILL)
                killed.append(name)
            pause.wait(rng.uniform(0.1, 1.5))  # the chaos schedule, not a synchronisation
        platform_sh(env, "start")
    return killed


def rolling_restart(env: dict[str, str]) -> list[str]:
    """SIGTERM each replica in turn, wait for it to exit (30 s at most), start it again."""
    restarted: list[str] = []
    for process in (*SERVICES, "gateway"):
        for name in names(env, process):
            pid = pid_of(env, name)
            assert pid is not None, name
            os.kill(pid, signal.SIGTERM)
            wait_until(lambda p=pid: gone(p), timeout=30, interval=0.1,
                       message=f"{name} to stop within 30 s of SIGTERM")
            (Path(env["VAR"]) / "run" / f"{name}.pid").unlink(missing_ok=True)
            platform_sh(env, "start")
            restarted.append(name)
    return restarted


def converged(api, env: dict[str, str], load: Load, partner) -> None:
    dsn = env["DATABASE_URL"]
    # every accepted command is there, once
    wait_until(lambda: caught_up(api), timeout=180, message="every consumer at its head")
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*), count(DISTINCT id) FROM org.cooperatives"
                    " WHERE id = ANY(%s)", (load.created,))
        assert cur.fetchone() == (len(set(load.created)), len(set(load.created)))
        # every grant accepted once: one CreditGranted event per grant id
        prefix = f"{partner.id}."

        def grants_in() -> bool:
            cur.execute("SELECT count(*), count(DISTINCT stream_id) FROM funding.events"
                        " WHERE type = 'CreditGranted' AND data->>'grant_id' = ANY(%s)",
                        (load.grants,))
            total, distinct = cur.fetchone()
            conn.commit()
            assert total == distinct, "a partner grant was applied twice"
            return total == len(set(load.grants))

        wait_until(grants_in, timeout=180, message="every partner grant to be accepted")
        cur.execute("SELECT count(*) FROM funding.credit_grants WHERE id LIKE %s",
                    (prefix + "%",))
        assert cur.fetchone()[0] == len(set(load.grants))
        # the gateway's feed holds every event of every service exactly once
        wait_until(lambda: caught_up(api), timeout=180, message="every consumer at its head")
        def feed_holds(service: str) -> bool:
            cur.execute(f"SELECT count(*) FROM {service}.events")
            stored = cur.fetchone()[0]
            cur.execute("SELECT count(*), count(DISTINCT source_position) FROM gateway.feed"
                        " WHERE source = %s", (service,))
            total, distinct = cur.fetchone()
            conn.commit()
            assert total == distinct <= stored, f"{service}: an event twice in the feed"
            return total == stored

        for service in SERVICES:
            # a service may append after the heads were read (the last partner batch, a
            # timer): the feed must come to hold them all, each once
            wait_until(lambda s=service: feed_holds(s), timeout=120,
                       message=f"the feed to hold every {service} event once")
    # read models equal a rebuild from the events
    before = tables(dsn)
    for service in SERVICES:
        done = subprocess.run([sys.executable, "-m", "deploy.rebuild", service], env=env,
                              capture_output=True, text=True, cwd=ROOT, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
    after = tables(dsn)
    for table, rows in before.items():
        assert after[table] == rows, f"{table} differs from its rebuild"


def test_kill_9_replicas_under_load_converges(api, replicated):
    env = replicated
    watch = RelayWatch(env["DATABASE_URL"])
    watch.thread.start()
    with onboarded_partner("Replica Test Bank") as partner:
        load = Load(api, partner).start()
        wait_until(lambda: len(load.created) >= 3 and len(load.grants) >= 3, timeout=120,
                   message="the load to be running")
        killed = chaos_kill(env, rounds=2)
        wait_until(lambda: len(load.created) >= 10, timeout=120, message="more commands")
        load.finish()
        assert len(killed) >= 5
        converged(api, env, load, partner)
    watch.stop.set()
    watch.thread.join(timeout=30)
    assert watch.samples > 10
    assert all(holders == 1 for holders in watch.most.values()), watch.most
    assert set(watch.most) == set(SERVICES)


def test_a_rolling_restart_under_load_loses_nothing(api, replicated):
    env = replicated
    with onboarded_partner("Rolling Restart Bank") as partner:
        load = Load(api, partner).start()
        wait_until(lambda: len(load.created) >= 3 and len(load.grants) >= 3, timeout=120,
                   message="the load to be running")
        restarted = rolling_restart(env)
        load.finish()
        assert len(restarted) == 4 * int(env["REPLICAS"]) + GATEWAYS
        converged(api, env, load, partner)
