"""Command rate and propagation lag through the gateway (issue 16's first two rows).

    .venv/bin/python bench/commands.py [--clients 16] [--seconds 20] [--lag-rate 60]
                                       [--lag-seconds 15] [--only rate|single|lag]

Against the running platform of the environment (GATEWAY_PORT, DATABASE_URL; `make bench`
starts its own). Workloads:
- rate: `POST /api/v1/cooperatives` from `--clients` closed-loop clients (one token and one
  keep-alive connection each, spread over 4 processes) for `--seconds`: commands/s, p50/p99;
- single: one client, 10 s: p50;
- lag: the time from a command's answer until its event is applied by all three consumers
  of org's events (activities, funding, assessment: their `tracking` rows reach the
  event's position), idle (one command at a time) and under `--lag-rate` commands/s
  (open loop), p50/p99.
Each figure is printed beside its goal, with the load average of the machine.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import multiprocessing
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.settle import settle  # noqa: E402
from eventkit.identifiers import make_uscc  # noqa: E402
from gateway import auth  # noqa: E402

CONSUMERS = ("activities", "funding", "assessment")
RUN = os.urandom(8).hex()
TOWNSHIPS = ("大庄镇", "高庄镇", "牛泉镇", "口镇")
# the organisation-code body's alphabet (GB 32100: digits and capitals without I O S V Z)
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def cooperative(rng: random.Random) -> dict[str, Any]:
    body = "".join(rng.choice(ALPHABET) for _ in range(8))
    members = rng.randint(10, 200)
    league = rng.randint(0, 5)
    return {"name": f"莱城区压测专业合作社{body}", "uscc": make_uscc("93", "371202", body),
            "chair": "王建国", "township": rng.choice(TOWNSHIPS),
            "industry_category": "planting", "product": "蔬菜", "business_mode": "种植",
            "members": members, "farmer_members": members - members // 10,
            "young_people_under_35": max(league + 2, members // 3), "league_members": league,
            "party_org_present": False, "league_org_present": False,
            "supply_coop_relation": "none"}


class Client:
    def __init__(self, base: str, token: str, seed: int) -> None:
        url = urlparse(base)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Connection": "keep-alive",
                        "Content-Type": "application/json"}
        # seeded per run: a key or body of an earlier run would be answered from the
        # gateway's Idempotency-Key store without reaching the service
        self.rng = random.Random(f"{RUN}-{seed}")

    def create(self) -> tuple[int, float, dict[str, Any] | None]:
        body = json.dumps(cooperative(self.rng), ensure_ascii=False).encode()
        headers = {**self.headers, "Idempotency-Key": f"bench-{self.rng.getrandbits(96):x}"}
        began = time.perf_counter()
        try:
            self.conn.request("POST", "/api/v1/cooperatives", body=body, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            return 0, time.perf_counter() - began, None
        elapsed = time.perf_counter() - began
        answer = json.loads(raw) if response.status in (200, 201) and raw else None
        return response.status, elapsed, answer


def tokens(n: int, name: str) -> list[str]:
    return [auth.issue(f"bench-{name}-{RUN[:6]}-{i}", "league_committee", "admin", ttl=3600)
            for i in range(n)]


# ------------------------------------------------------------------ rate (closed loop)
def _rate_worker(base: str, toks: list[str], start_at: float, seconds: float, seed: int,
                 out: Any) -> None:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def loop(i: int, token: str) -> None:
        client = Client(base, token, seed * 1000 + i)
        time.sleep(max(0.0, start_at - time.time()))
        end = start_at + seconds
        while time.time() < end:
            status, elapsed, _ = client.create()
            with lock:
                if status in (200, 201):
                    latencies.append(elapsed)
                else:
                    errors.append(str(status))

    threads = [threading.Thread(target=loop, args=(i, t), daemon=True)
               for i, t in enumerate(toks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    out.put((latencies, errors))


def rate(base: str, clients: int, seconds: float, processes: int = 4) -> dict[str, Any]:
    toks = tokens(clients, "rate")
    Client(base, toks[0], -1).create()  # warm-up
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    start_at = time.time() + 1.0
    processes = min(processes, clients)
    procs = [ctx.Process(target=_rate_worker, args=(base, toks[i::processes], start_at,
                                                    seconds, i, out))
             for i in range(processes)]
    for p in procs:
        p.start()
    latencies: list[float] = []
    errors: list[str] = []
    for _ in procs:
        got, errs = out.get(timeout=seconds + 90)
        latencies += got
        errors += errs
    for p in procs:
        p.join(timeout=10)
    return {"commands": len(latencies), "errors": len(errors),
            "error_kinds": sorted(set(errors))[:5], "rate": len(latencies) / seconds,
            "p50": percentile(latencies, 0.5) * 1000, "p99": percentile(latencies, 0.99) * 1000}


def single(base: str, seconds: float) -> dict[str, Any]:
    client = Client(base, tokens(1, "single")[0], 7)
    for _ in range(20):  # warm-up
        client.create()
    latencies = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        status, elapsed, _ = client.create()
        if status in (200, 201):
            latencies.append(elapsed)
    return {"commands": len(latencies), "p50": percentile(latencies, 0.5) * 1000,
            "p99": percentile(latencies, 0.99) * 1000}


# ------------------------------------------------------------------ propagation lag
class Watcher:
    """Polls the three consumers' tracking rows; resolves each awaited position's lag."""

    def __init__(self, dsn: str) -> None:
        import psycopg2

        self.conn = psycopg2.connect(dsn, application_name="bench-commands")
        self.conn.autocommit = True
        self.awaited: list[tuple[int, float]] = []  # (org position, answered at)
        self.lags: list[float] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        union = " UNION ALL ".join(
            f"(SELECT position FROM \"{c}\".tracking WHERE consumer = '{c}' AND source = 'org')"
            for c in CONSUMERS)
        self.sql = f"SELECT min(position), count(*) FROM ({union}) t"

    def position_of(self, cooperative_id: str) -> int:
        with self.conn.cursor() as cur:
            cur.execute("SELECT min(position) FROM org.events WHERE stream_id = %s",
                        (f"cooperative-{cooperative_id}",))
            return int(cur.fetchone()[0])

    def run(self) -> None:
        with self.conn.cursor() as cur:
            while not self.stop.is_set():
                cur.execute(self.sql)
                applied, count = cur.fetchone()
                now = time.perf_counter()
                if count == len(CONSUMERS):
                    with self.lock:
                        done = [(p, t) for p, t in self.awaited if p <= applied]
                        if done:
                            self.awaited = [(p, t) for p, t in self.awaited if p > applied]
                            self.lags += [now - t for _, t in done]
                time.sleep(0.001)

    def pending(self) -> int:
        with self.lock:
            return len(self.awaited)


def lag(base: str, dsn: str, per_second: float, seconds: float) -> dict[str, Any]:
    """Open loop at `per_second` (0: one command at a time, each waited for)."""
    watcher = Watcher(dsn)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    answered: list[tuple[str, float]] = []
    lock = threading.Lock()
    errors: list[str] = []
    if per_second <= 0:
        client = Client(base, tokens(1, "lag-idle")[0], 11)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            status, _, answer = client.create()
            at = time.perf_counter()
            if answer is None:
                errors.append(str(status))
                continue
            position = watcher_position(watcher, answer["id"])
            with watcher.lock:
                watcher.awaited.append((position, at))
            deadline = time.monotonic() + 10
            while watcher.pending() and time.monotonic() < deadline:
                time.sleep(0.001)
            time.sleep(0.05)  # idle between commands
    else:
        senders = max(4, int(per_second // 10))
        toks = tokens(senders, "lag")
        interval = senders / per_second
        start = time.monotonic() + 0.5
        end = start + seconds

        def send(i: int) -> None:
            client = Client(base, toks[i], 100 + i)
            for n in itertools.count():
                at_time = start + (n + i / senders) * interval
                if at_time >= end:
                    return
                time.sleep(max(0.0, at_time - time.monotonic()))
                status, _, answer = client.create()
                if answer is None:
                    errors.append(str(status))
                    continue
                with lock:
                    answered.append((answer["id"], time.perf_counter()))

        threads = [threading.Thread(target=send, args=(i,), daemon=True)
                   for i in range(senders)]
        for t in threads:
            t.start()
        resolved = 0
        while any(t.is_alive() for t in threads) or resolved < len(answered):
            with lock:
                batch, resolved = answered[resolved:], len(answered)
            for cid, at in batch:
                position = watcher_position(watcher, cid)
                with watcher.lock:
                    watcher.awaited.append((position, at))
            time.sleep(0.005)
        for t in threads:
            t.join()
        deadline = time.monotonic() + 30
        while watcher.pending() and time.monotonic() < deadline:
            time.sleep(0.01)
    watcher.stop.set()
    thread.join(timeout=5)
    lags = watcher.lags
    return {"commands": len(lags), "unresolved": watcher.pending(), "errors": len(errors),
            "p50": percentile(lags, 0.5) * 1000, "p99": percentile(lags, 0.99) * 1000,
            "mean": statistics.fmean(lags) * 1000 if lags else float("nan")}


def watcher_position(watcher: Watcher, cooperative_id: str) -> int:
    with watcher.lock:  # the watcher's connection is shared: one query at a time
        return watcher.position_of(cooperative_id)


def mark(ok: bool) -> str:
    return "MET" if ok else "not met"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base",
                        default=f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '8000')}")
    parser.add_argument("--dsn", default=os.environ.get(
        "DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/coopleague"))
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--lag-rate", type=float, default=60.0)
    parser.add_argument("--lag-seconds", type=float, default=15.0)
    parser.add_argument("--only", choices=("rate", "single", "lag"), default=None)
    args = parser.parse_args(argv)
    auth.ensure_secret_file()
    print(f"commands bench against {args.base}; {load()}", flush=True)
    if args.only in (None, "rate"):
        r = rate(args.base, args.clients, args.seconds)
        print(f"POST /api/v1/cooperatives, {args.clients} clients, {args.seconds:g} s:"
              f" {r['rate']:.0f} commands/s, p50 {r['p50']:.0f} ms, p99 {r['p99']:.0f} ms"
              f" ({r['commands']} commands, {r['errors']} errors {r['error_kinds']});"
              f" goal >= 300 commands/s and p99 < 100 ms:"
              f" {mark(r['rate'] >= 300 and r['p99'] < 100)}; {load()}", flush=True)
    if args.only in (None, "single"):
        print(settle(args.dsn), flush=True)
        s = single(args.base, 10.0)
        print(f"POST /api/v1/cooperatives, 1 client: p50 {s['p50']:.1f} ms, p99"
              f" {s['p99']:.1f} ms ({s['commands']} commands); goal p50 < 8 ms:"
              f" {mark(s['p50'] < 8)}; {load()}", flush=True)
    if args.only in (None, "lag"):
        print(settle(args.dsn), flush=True)
        idle = lag(args.base, args.dsn, 0, min(args.lag_seconds, 10.0))
        print(f"propagation lag (answer -> applied by {', '.join(CONSUMERS)}), idle:"
              f" p50 {idle['p50']:.0f} ms, p99 {idle['p99']:.0f} ms ({idle['commands']}"
              f" commands, {idle['unresolved']} unresolved); {load()}", flush=True)
        busy = lag(args.base, args.dsn, args.lag_rate, args.lag_seconds)
        print(f"propagation lag under {args.lag_rate:g} commands/s: p50 {busy['p50']:.0f} ms,"
              f" p99 {busy['p99']:.0f} ms ({busy['commands']} commands,"
              f" {busy['unresolved']} unresolved, {busy['errors']} errors);"
              f" goal p99 < 200 ms: {mark(busy['p99'] < 200)}; {load()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
