"""Replicas on one machine: throughput, tracking lag and recovery with 1 and with N replicas.

    .venv/bin/python bench/replicas.py [--replicas 1 3] [--seconds 20] [--clients 8]
                                       [--grants 500] [--write-docs]

Against the instance in the environment (as `make run`/`make test` set it: GATEWAY_PORT,
DATABASE_URL, AMQP_URI, VAR, ...). For each replica count the platform is restarted with
`REPLICAS=n` (2 gateways when n > 1) and small pools, then:
- commands/s: `--clients` closed-loop clients create cooperatives through the gateway;
- partner grants/s: `--grants` CreditGranted messages published with confirms by one
  partner, timed until funding has stored them all;
- tracking lag: p50/p99 of (applied - committed) for the events of the run, measured where
  exact: the gateway's feed consumer (`gateway.feed.recorded_at - occurred_at`);
- recovery: kill -9 the process holding org's relay lock during load, time until org's
  events reach the gateway's feed again (another replica takes the lock; with one replica,
  until platform.sh has started it again).
`--write-docs` puts the table under "Replicas" in docs/benchmarks.md (that section only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import amqp
import psycopg2
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eventkit.amqp_uri import connection_args  # noqa: E402
from gateway import auth  # noqa: E402

POOLS = {"SERVICE_POOL_SIZE": "2", "GATEWAY_POOL_SIZE": "3", "PARTNERS_POOL_SIZE": "1"}


def platform_sh(env: dict[str, str], command: str) -> None:
    done = subprocess.run([str(ROOT / "deploy" / "platform.sh"), command], env=env,
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"platform.sh {command} failed:\n{done.stderr[-2000:]}")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def coop_body() -> dict[str, Any]:
    from eventkit.identifiers import make_uscc

    body = uuid.uuid4().hex[:8].upper()
    body = "".join(c if c in "0123456789ABCDEFGHJKLMNPQRTUWXY" else "0" for c in body)
    return {"name": f"基准合作社 {uuid.uuid4().hex[:6]}", "uscc": make_uscc("93", "371202", body),
            "chair": "王芳", "township": "大庄镇", "industry_category": "fruit",
            "product": "apple", "business_mode": "planting", "members": 40,
            "farmer_members": 38, "young_people_under_35": 12, "league_members": 4}


def commands_per_second(base: str, clients: int, seconds: float) -> tuple[float, int]:
    stop = threading.Event()
    done: list[int] = []
    errors: list[int] = []

    def client(i: int) -> None:
        session = requests.Session()
        token = auth.issue(f"bench-{i}", "league_committee", "admin", None, 3600)
        headers = {"Authorization": f"Bearer {token}"}
        while not stop.is_set():
            r = session.post(base + "/api/v1/cooperatives", json=coop_body(), headers={
                **headers, "Idempotency-Key": uuid.uuid4().hex}, timeout=60)
            (done if r.status_code == 201 else errors).append(r.status_code)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    stop.wait(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=90)
    return len(done) / (time.monotonic() - began), len(errors)


def grants_per_second(dsn: str, count: int) -> float:
    from eventkit.identifiers import make_resident_id
    from services.funding import partners

    onboarded = partners.add(f"bench-{uuid.uuid4().hex[:8]}", "基准银行", "bank")
    try:
        conn = amqp.Connection(**connection_args(onboarded.amqp_uri), confirm_publish=True)
        conn.connect()
        channel = conn.channel()
        ids = [f"B-{uuid.uuid4().hex[:12]}" for _ in range(count)]
        # a valid resident id (GB 11643 check digit), or the grant is dead-lettered
        id_number = make_resident_id("371202", dt.date(1996, 7, 1), "001")
        began = time.monotonic()
        for grant_id in ids:
            body = {"grant_id": grant_id, "beneficiary": {"kind": "person", "name": "张伟",
                                                          "id_number": id_number},
                    "amount_fen": 5_000_000, "term_months": 36, "annual_rate_bp": 435,
                    "guarantee": "guarantee_fund", "purpose": "大棚",
                    "granted_at": "2026-04-10T10:00:00+08:00"}
            channel.basic_publish(amqp.Message(
                json.dumps(body, ensure_ascii=False), content_type="application/json",
                delivery_mode=2, message_id=uuid.uuid4().hex, type="credit.granted",
                user_id=onboarded.partner_id), exchange="partners.inbound",
                routing_key=f"{onboarded.partner_id}.credit.granted")
        conn.close()
        with psycopg2.connect(dsn) as db, db.cursor() as cur:
            while True:
                cur.execute("SELECT count(*) FROM funding.events WHERE type = 'CreditGranted'"
                            " AND data->>'grant_id' = ANY(%s)", (ids,))
                stored = cur.fetchone()[0]
                db.commit()
                if stored >= count or time.monotonic() - began > 180:
                    break
                time.sleep(0.05)
        return stored / (time.monotonic() - began)
    finally:
        partners.remove(onboarded.partner_id)
        partners.drop_dead(onboarded.partner_id)


def feed_lag(dsn: str, since: dt.datetime) -> tuple[float, float]:
    with psycopg2.connect(dsn) as db, db.cursor() as cur:
        cur.execute("SELECT extract(epoch FROM recorded_at - occurred_at) FROM gateway.feed"
                    " WHERE recorded_at >= %s", (since,))
        lags = [float(r[0]) for r in cur.fetchall()]
    return percentile(lags, 0.5), percentile(lags, 0.99)


def relay_holder(env: dict[str, str]) -> int | None:
    """The pid of the org replica whose /metrics says it holds org's relay lock."""
    run_dir = Path(env.get("VAR", ROOT / "var")) / "run"
    for port_file in sorted(run_dir.glob("org*.metrics-port")):
        name = port_file.name.removesuffix(".metrics-port")
        try:
            text = requests.get(f"http://127.0.0.1:{port_file.read_text().strip()}/metrics",
                                timeout=5).text
        except (requests.RequestException, ValueError):
            continue
        if 'coopleague_relay_active{service="org"} 1.0' in text:
            return int((run_dir / f"{name}.pid").read_text())
    return None


def recovery_seconds(env: dict[str, str], base: str, replicas: int) -> float:
    dsn = env["DATABASE_URL"]
    pid = relay_holder(env)
    if pid is None:
        return float("nan")
    token = auth.issue("bench-recovery", "league_committee", "admin", None, 3600)
    headers = {"Authorization": f"Bearer {token}"}
    os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()
    if replicas == 1:
        threading.Thread(target=platform_sh, args=(env, "start"), daemon=True).start()
    with psycopg2.connect(dsn) as db, db.cursor() as cur:
        cur.execute("SELECT coalesce(max(position), 0) FROM gateway.feed WHERE source = 'org'")
        before = cur.fetchone()[0]
        db.commit()
        while time.monotonic() - killed < 300:
            try:
                requests.post(base + "/api/v1/cooperatives", json=coop_body(), headers={
                    **headers, "Idempotency-Key": uuid.uuid4().hex}, timeout=10)
            except requests.RequestException:
                pass
            cur.execute("SELECT coalesce(max(position), 0) FROM gateway.feed"
                        " WHERE source = 'org'")
            if cur.fetchone()[0] > before:
                return time.monotonic() - killed
            db.commit()
            time.sleep(0.1)
    return float("nan")


def run(replicas: int, args: argparse.Namespace) -> dict[str, Any]:
    env = {**os.environ, **POOLS, "REPLICAS": str(replicas),
           "GATEWAY_REPLICAS": str(2 if replicas > 1 else 1)}
    platform_sh(env, "stop")
    platform_sh(env, "start")
    base = f"http://127.0.0.1:{env.get('GATEWAY_PORT', '8000')}"
    since = dt.datetime.now(dt.UTC)
    rate, errors = commands_per_second(base, args.clients, args.seconds)
    grants = grants_per_second(env["DATABASE_URL"], args.grants)
    time.sleep(3)  # let the feed consumer apply the tail before measuring its lag
    p50, p99 = feed_lag(env["DATABASE_URL"], since)
    recovery = recovery_seconds(env, base, replicas)
    platform_sh(env, "start")  # the killed replica back
    return {"replicas": replicas, "commands_per_s": rate, "command_errors": errors,
            "grants_per_s": grants, "lag_p50_ms": p50 * 1000, "lag_p99_ms": p99 * 1000,
            "recovery_s": recovery}


def table(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        f"Measured {dt.date.today().isoformat()} on {os.cpu_count()} cores"
        f" ({platform.processor() or platform.machine()}), shared PostgreSQL and RabbitMQ,"
        f" pools {POOLS}, {args.clients} clients for {args.seconds:.0f} s, {args.grants}"
        " grants.", "",
        "| replicas per service (gateways) | commands/s | non-201 | partner grants/s |"
        " feed lag p50 / p99 | recovery after kill -9 of org's active relay |",
        "|---|---|---|---|---|---|"]
    for r in rows:
        gateways = 2 if r["replicas"] > 1 else 1
        if "skipped" in r:
            lines.append(f"| {r['replicas']} ({gateways}) | not measured: {r['skipped']} |"
                         " | | | |")
            continue
        lines.append(f"| {r['replicas']} ({gateways}) | {r['commands_per_s']:.1f} |"
                     f" {r['command_errors']} | {r['grants_per_s']:.1f} |"
                     f" {r['lag_p50_ms']:.0f} ms / {r['lag_p99_ms']:.0f} ms |"
                     f" {r['recovery_s']:.1f} s |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--grants", type=int, default=500)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    for n in args.replicas:
        try:
            rows.append(run(n, args))
        except SystemExit as exc:  # e.g. the shared server has no headroom for n replicas
            print(f"{n} replicas not measured: {str(exc)[-400:]}", file=sys.stderr)
            rows.append({"replicas": n, "skipped": str(exc).strip().splitlines()[-1][:200]})
    text = table(rows, args)
    print(text)
    if args.write_docs:
        doc = ROOT / "docs" / "benchmarks.md"
        content = doc.read_text()
        head = "## Replicas (`bench/replicas.py`)"
        section = f"{head}\n\n{text}\n"
        if head in content:
            start = content.index(head)
            end = content.find("\n## ", start + 1)
            rest = content[end + 1:] if end != -1 else ""
            content = content[:start] + section + ("\n" + rest if rest else "")
        else:
            content = content.rstrip("\n") + "\n\n" + section
        doc.write_text(content)
    return 0


if __name__ == "__main__":
    sys.exit(main())
