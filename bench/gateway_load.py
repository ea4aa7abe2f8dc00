"""Load on the gateway: 32 concurrent clients for 30 s on the dashboard, then on a list.

    .venv/bin/python bench/gateway_load.py [--clients 32] [--seconds 30] [--base URL]
                                           [--write-docs]

Against a running platform with the demo county loaded (`make demo`). Each client is a
person with their own token (league committee admin) and a keep-alive connection, sending
its next request as soon as the previous one is answered (closed loop). Prints p50/p95/p99
latency and requests/s per endpoint; `--write-docs` puts the figures under "Gateway load" in
docs/benchmarks.md (that section only). The gateway's rate limit is per token, so it does
not throttle 32 people; the dashboard's goal is p99 < 100 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import multiprocessing
import os
import platform
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
from gateway import auth  # noqa: E402

ENDPOINTS = {
    "dashboard": "/api/v1/dashboard",
    "list": "/api/v1/cooperatives?limit=50",
}
GOALS = {"dashboard": 50, "list": 100}  # p99 ms, issue 16


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def client(base: str, path: str, token: str, stop: threading.Event, start: threading.Event,
           latencies: list[float], errors: list[str]) -> None:
    url = urlparse(base)
    host = url.hostname or "127.0.0.1"
    conn = http.client.HTTPConnection(host, url.port or 80, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Connection": "keep-alive"}
    start.wait()
    while not stop.is_set():
        began = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            errors.append(type(exc).__name__)
            conn.close()
            conn = http.client.HTTPConnection(host, url.port or 80, timeout=30)
            continue
        elapsed = time.perf_counter() - began
        if status == 200:
            latencies.append(elapsed)
        else:
            errors.append(str(status))
    conn.close()


def worker(base: str, path: str, tokens: list[str], start_at: float, seconds: float,
           out: Any) -> None:
    """One client process: a thread per client (several processes keep the clients' own
    GIL from adding to the latencies measured)."""
    stop, start = threading.Event(), threading.Event()
    per_client: list[list[float]] = [[] for _ in tokens]
    errors: list[str] = []
    threads = [threading.Thread(target=client, args=(base, path, token, stop, start,
                                                     per_client[i], errors), daemon=True)
               for i, token in enumerate(tokens)]
    for t in threads:
        t.start()
    time.sleep(max(0.0, start_at - time.time()))
    start.set()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=35)
    out.put(([x for c in per_client for x in c], errors))


def run(base: str, name: str, path: str, clients: int, seconds: float,
        processes: int) -> dict:
    tokens = [auth.issue(f"bench-{name}-{i}", "league_committee", "admin", ttl=3600)
              for i in range(clients)]
    # warm-up: one request (connections, caches), not measured
    warm = http.client.HTTPConnection(urlparse(base).hostname or "127.0.0.1",
                                      urlparse(base).port or 80)
    warm.request("GET", path, headers={"Authorization": f"Bearer {tokens[0]}"})
    warm.getresponse().read()
    warm.close()
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    start_at = time.time() + 1.0
    procs = [ctx.Process(target=worker, args=(base, path, tokens[i::processes], start_at,
                                              seconds, out)) for i in range(processes)]
    for p in procs:
        p.start()
    latencies: list[float] = []
    errors: list[str] = []
    for _ in procs:
        got, errs = out.get(timeout=seconds + 60)
        latencies += got
        errors += errs
    for p in procs:
        p.join(timeout=10)
    wall = seconds
    return {
        "endpoint": name, "path": path, "clients": clients, "seconds": round(wall, 1),
        "requests": len(latencies), "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "rps": len(latencies) / wall,
        "p50": percentile(latencies, 0.50) * 1000,
        "p95": percentile(latencies, 0.95) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "mean": (statistics.fmean(latencies) * 1000) if latencies else float("nan"),
    }


def table(results: list[dict]) -> str:
    lines = ["| endpoint | clients | requests | errors | req/s | p50 ms | p95 ms | p99 ms |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| `{r['path']}` | {r['clients']} | {r['requests']} | {r['errors']} | "
                     f"{r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} |")
    return "\n".join(lines)


def write_docs(results: list[dict], seconds: float, processes: int) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    section = "\n".join([
        "## Gateway load",
        "",
        f"`bench/gateway_load.py`: {results[0]['clients']} concurrent clients (closed loop, "
        f"one token each, keep-alive, spread over {processes} processes) for {seconds:g} s "
        "per endpoint against the demo county "
        "(`make demo`), on this machine "
        f"({os.cpu_count()} cores, Python {platform.python_version()}; the client, the four "
        "services, the gateway, PostgreSQL and RabbitMQ share the cores). "
        f"Measured {dt.date.today().isoformat()}. Goal: dashboard p99 < 100 ms.",
        "",
        table(results),
        "",
        "The dashboard is answered from the gateway's cache of the services' summaries, keyed "
        "by the feed positions the gateway has reached (a new event makes the next request "
        "ask the services again, in parallel) and bounded by `DASHBOARD_CACHE_SECONDS`; a "
        "token's unit subtree is cached the same way (`SCOPE_CACHE_SECONDS`). The list "
        "endpoint goes to the org service on every request.",
        "",
    ])
    start = text.find("## Gateway load")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1:] if end != -1 else "")
    path.write_text(text)



def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    port = os.environ.get("GATEWAY_PORT", "8000")
    parser.add_argument("--base", default=f"http://127.0.0.1:{port}")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--processes", type=int, default=4,
                        help="client processes the clients are spread over")
    parser.add_argument("--only", choices=sorted(ENDPOINTS), default=None)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    auth.ensure_secret_file()
    print(settle(os.environ.get("BENCH_DSN")), flush=True)
    results = []
    for name, path in ENDPOINTS.items():
        if args.only and name != args.only:
            continue
        result = run(args.base, name, path, args.clients, args.seconds, args.processes)
        results.append(result)
        print(f"{name:9s} {path:34s} {result['requests']:6d} req  {result['rps']:7.1f} req/s  "
              f"p50 {result['p50']:6.1f} ms  p95 {result['p95']:6.1f} ms  "
              f"p99 {result['p99']:6.1f} ms  errors {result['errors']} {result['error_kinds']};"
              f" goal (issue 16) p99 < {GOALS[name]} ms:"
              f" {'MET' if result['p99'] < GOALS[name] else 'not met'};"
              f" load average {os.getloadavg()[0]:.2f}", flush=True)
    if args.write_docs:
        write_docs(results, args.seconds, args.processes)
        print("docs/benchmarks.md: Gateway load updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
