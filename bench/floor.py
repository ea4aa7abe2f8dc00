"""Where one command's time goes: the stack's floor, and the fan-out of its predecessors.

    .venv/bin/python bench/floor.py [--seconds 8]

Against the running platform of the environment (GATEWAY_PORT, AMQP_URI, BENCH_DSN; `make
bench` runs it after bench/commands.py). One client, one request at a time, each figure
with the CPU every process spent per request (from /proc: the instance's processes named in
$VAR/run, and the whole PostgreSQL and RabbitMQ servers, which other instances on the
machine share: keep them idle):

- http: `GET /health/live`, answered by the gateway's nameko HTTP entrypoint without an RPC
  or a statement: the HTTP floor;
- rpc: org's `health` over nameko's RPC (a standalone client: two broker hops and three
  small statements): the RPC floor;
- command: `POST /api/v1/cooperatives` as bench/commands.py's single client measures it;
- command, fan-out held back: the same while the consumers of org's events (activities,
  funding, assessment and the gateway's feed, which `departments.outbound` follows) wait on
  their tracking rows, held `FOR UPDATE` by this benchmark. The hold's transaction also
  holds org's relay back (the new events' positions are not settled while it is open), so
  what is left is the command's own path: the gateway, org, PostgreSQL and RabbitMQ for the
  RPC. Everything held catches up afterwards (the benchmark waits for it). The hold stays
  below the services' 15 s statement timeout.
- commands, 16 clients, fan-out held back: bench/commands.py's rate workload under the same
  hold: what the command's own path can do on the machine with nothing else to do.

Issue 16's goals: one client p50 < 8 ms, 16 clients >= 300 commands/s. The difference
between the one-client rows is what the previous commands' fan-out costs a command on the
same two cores; the last row bounds the rate the platform could reach with its fan-out
elsewhere.
"""

from __future__ import annotations

import argparse
import http.client
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.commands import Client, load, percentile, rate, tokens  # noqa: E402
from bench.settle import settle  # noqa: E402

HELD = ("activities", "funding", "assessment", "gateway")  # consumers of org's events
TICK = os.sysconf("SC_CLK_TCK")
T = TypeVar("T")


def cpu_by_process(var: str) -> dict[str, float]:
    """CPU seconds so far of the instance's processes, PostgreSQL and RabbitMQ."""
    named: dict[int, str] = {}
    run = Path(var) / "run"
    for pid_file in run.glob("*.pid"):
        try:
            named[int(pid_file.read_text().strip())] = pid_file.stem
        except (OSError, ValueError):
            continue
    totals: dict[str, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        seconds = (int(fields[11]) + int(fields[12])) / TICK
        pid = int(entry)
        if pid in named:
            group = named[pid]
        elif comm.startswith("postgres"):
            group = "postgresql"
        elif comm.startswith("beam"):
            group = "rabbitmq"
        else:
            continue
        totals[group] = totals.get(group, 0.0) + seconds
    return totals


def measured(var: str, fn: Callable[[], list[float]]) -> dict[str, Any]:
    """Latencies (ms) of `fn`'s requests and the CPU (ms) per request of each process."""
    before = cpu_by_process(var)
    latencies = fn()
    after = cpu_by_process(var)
    n = max(1, len(latencies))
    cpu = {k: (after[k] - before.get(k, 0.0)) * 1000 / n for k in after}
    cpu = {k: v for k, v in sorted(cpu.items(), key=lambda kv: -kv[1]) if v >= 0.05}
    return {"n": len(latencies), "p50": percentile(latencies, 0.5),
            "p90": percentile(latencies, 0.9), "cpu": cpu}


def timed_loop(seconds: float, call: Callable[[], None], warm: int = 20) -> list[float]:
    for _ in range(warm):
        call()
    out: list[float] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        began = time.perf_counter()
        call()
        out.append((time.perf_counter() - began) * 1000)
    return out


def http_floor(base_port: int, seconds: float) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", base_port, timeout=10)

    def call() -> None:
        conn.request("GET", "/health/live")
        conn.getresponse().read()

    try:
        return timed_loop(seconds, call)
    finally:
        conn.close()


def rpc_floor(amqp_uri: str, seconds: float) -> list[float]:
    from nameko.standalone.rpc import ClusterRpcProxy

    import eventkit.wire  # noqa: F401  (the platform's json serializer)

    with ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}) as rpc:
        return timed_loop(seconds, rpc.org.health)


def commands(base: str, seconds: float, seed: int) -> list[float]:
    client = Client(base, tokens(1, f"floor{seed}")[0], seed)

    def call() -> None:
        status, _, _ = client.create()
        if status not in (200, 201):
            raise RuntimeError(f"POST /cooperatives answered {status}")

    return timed_loop(seconds, call)


def held_back(dsn: str, fn: Callable[[], T]) -> T:
    """Run `fn` while org's consumers wait on their tracking rows (locked here)."""
    import psycopg2

    conn = psycopg2.connect(dsn, application_name="bench-floor")
    try:
        with conn.cursor() as cur:
            cur.execute("SET lock_timeout = '5s'")
            for consumer in HELD:
                cur.execute(f'SELECT position FROM "{consumer}".tracking'
                            " WHERE consumer = %s AND source = 'org' FOR UPDATE", (consumer,))
                if cur.fetchone() is None:
                    raise RuntimeError(f"{consumer} tracks no org events yet")
        return fn()
    finally:
        conn.rollback()
        conn.close()


def line(name: str, r: dict[str, Any]) -> str:
    cpu = ", ".join(f"{k} {v:.1f}" for k, v in r["cpu"].items())
    return (f"{name}: p50 {r['p50']:.2f} ms, p90 {r['p90']:.2f} ms ({r['n']} requests);"
            f" CPU ms per request: {cpu} (total {sum(r['cpu'].values()):.1f})")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args(argv)
    port = int(os.environ.get("GATEWAY_PORT", "8000"))
    base = f"http://127.0.0.1:{port}"
    dsn = os.environ.get("BENCH_DSN") or os.environ.get(
        "DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/coopleague")
    amqp = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/coopleague")
    var = os.environ.get("VAR", str(ROOT / "var"))
    seconds = min(args.seconds, 10.0)  # the hold stays well below the statement timeout
    print(f"floor bench against {base}; {load()}", flush=True)
    print(settle(dsn), flush=True)
    print(line("GET /health/live (the HTTP floor)",
               measured(var, lambda: http_floor(port, seconds))), flush=True)
    print(line("org.health over RPC (the RPC floor)",
               measured(var, lambda: rpc_floor(amqp, seconds))), flush=True)
    print(settle(dsn), flush=True)
    whole = measured(var, lambda: commands(base, seconds, 11))
    print(line("POST /api/v1/cooperatives, 1 client", whole), flush=True)
    print(settle(dsn), flush=True)
    alone = measured(var, lambda: held_back(dsn, lambda: commands(base, seconds, 12)))
    print(line("POST /api/v1/cooperatives, 1 client, fan-out held back", alone), flush=True)
    print(settle(dsn), flush=True)
    print(f"the fan-out of earlier commands costs one command {whole['p50'] - alone['p50']:.1f}"
          f" ms at p50 (goal p50 < 8 ms; the command's own path: {alone['p50']:.1f} ms);"
          f" {load()}", flush=True)
    before = cpu_by_process(var)
    held = held_back(dsn, lambda: rate(base, 16, min(seconds, 6.0)))
    spent = cpu_by_process(var)
    per = {k: (spent[k] - before.get(k, 0.0)) * 1000 / max(1, held["commands"]) for k in spent}
    cpu = ", ".join(f"{k} {v:.1f}" for k, v in sorted(per.items(), key=lambda kv: -kv[1])
                    if v >= 0.05)
    print(f"POST /api/v1/cooperatives, 16 clients, fan-out held back: {held['rate']:.0f}"
          f" commands/s, p50 {held['p50']:.0f} ms, p99 {held['p99']:.0f} ms"
          f" ({held['errors']} errors); CPU ms per command: {cpu}"
          f" (total {sum(v for v in per.values() if v >= 0.05):.1f}); goal >= 300/s; {load()}",
          flush=True)
    print(settle(dsn), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
