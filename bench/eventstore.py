"""Event store benchmark: `make bench` or `.venv/bin/python bench/eventstore.py [--quick]`.

Runs as the services run (eventlet monkey-patched, psycopg2 green) on the same PostgreSQL:
- appends/s through EventStore: 1 event per transaction and 100 per transaction, 1 and 4
  concurrent writers;
- the raw psycopg2 insert rate into an equivalent plain table (the limit);
- the same workloads through the `eventsourcing` library's PostgreSQL persistence (the
  peer), run in its own virtualenv under var/bench-peer (psycopg 3, no eventlet);
- feed read rate, and relay throughput from append to broker confirm.
Prints a table; ratios to the peer and to the limit in the last lines.
"""

from __future__ import annotations

import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

import psycopg2  # noqa: E402
from psycopg2.extras import Json, execute_values  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eventkit import db, migrate  # noqa: E402
from eventkit.aggregate import NewEvent  # noqa: E402
from eventkit.relay import Relay, exchange_name  # noqa: E402
from eventkit.store import EventStore  # noqa: E402
from eventkit.wakeup import CommitNotifier  # noqa: E402

DSN = os.environ.get("BENCH_DSN", "postgresql://postgres@127.0.0.1:5432/coopleague_bench")
AMQP = os.environ.get("BENCH_AMQP", "amqp://guest:guest@127.0.0.1:5672/coopleague_bench")
QUICK = "--quick" in sys.argv
# --appends: only the one-event workloads (1 and 4 writers), store and raw alternated
# ROUNDS times in the same conditions, medians reported beside issue 16's goals
APPENDS_ONLY = "--appends" in sys.argv
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = float(os.environ.get("BENCH_SECONDS", 3.0 if QUICK else 8.0))
PEER_VENV = ROOT / "var" / "bench-peer"
DATA = {"name": "合作社", "amount_fen": 123456, "township": "Dazhuang", "note": "x" * 80}


def fresh_schema(name: str) -> str:
    schema = f"bench_{name}_{uuid.uuid4().hex[:6]}"
    migrate.migrate("kit", DSN, schema)
    return schema


def drop(schema: str) -> None:
    conn = db.connect(DSN, "public")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    conn.close()


def run_writers(writers: int, work) -> float:
    """Each writer calls work(conn, i) repeatedly for SECONDS; returns events/s."""
    deadline = time.monotonic() + SECONDS
    counts = [0] * writers

    def writer(w: int) -> None:
        conn = db.connect(DSN, "public", statement_timeout_ms=0)
        i = 0
        while time.monotonic() < deadline:
            counts[w] += work(conn, w, i)
            i += 1
        conn.close()

    started = time.monotonic()
    pool = eventlet.GreenPool(writers)
    for w in range(writers):
        pool.spawn(writer, w)
    pool.waitall()
    return sum(counts) / (time.monotonic() - started)


def store_append(per_tx: int, writers: int) -> float:
    schema = fresh_schema("store")
    store = EventStore(schema)
    # as a service runs with its relay active in the same process: the relay is woken
    # through a pipe after the commit (eventkit/wakeup); BENCH_NOTIFY=1: as a replica whose
    # relay is elsewhere (a NOTIFY after the commit, coalesced)
    notify_pool = db.Pool(DSN, schema, size=1)
    raw_os = eventlet.patcher.original("os")
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)

    def local() -> bool:
        try:
            raw_os.write(wake_w, b"x")  # as the relay's pipe: never eventlet's waiting write
        except BlockingIOError:
            raw_os.read(wake_r, 65536)  # nobody reads in the bench: empty it
        return True

    store.notifier = CommitNotifier(
        notify_pool, store.channel,
        local=None if os.environ.get("BENCH_NOTIFY") == "1" else local)
    events = [NewEvent("SomethingHappened", DATA) for _ in range(per_tx)]

    def work(conn, w: int, i: int) -> int:
        with conn.cursor() as cur:
            store.append(cur, f"s-{w}-{i}", 0, events, {"actor": "bench"})
        conn.commit()
        store.committed()
        return per_tx

    try:
        return run_writers(writers, work)
    finally:
        notify_pool.close()
        os.close(wake_r)
        os.close(wake_w)
        drop(schema)


def locked_append(per_tx: int, writers: int) -> float:
    """The append as it was before issue 16: the store's advisory lock and the NOTIFY held
    to the commit (`append_rows` with the sequence), the same rows."""
    from eventkit.store import _EVENT_CASTS, _EVENT_COLUMNS, append_rows, lock_key

    schema = fresh_schema("locked")

    def work(conn, w: int, i: int) -> int:
        rows = [(str(uuid.uuid4()), f"s-{w}-{i}", v + 1, "SomethingHappened", 1,
                 "2026-01-01T00:00:00Z", Json(DATA), Json({"actor": "bench"}))
                for v in range(per_tx)]
        with conn.cursor() as cur:
            append_rows(cur, table=f'"{schema}".events', columns=_EVENT_COLUMNS,
                        casts=_EVENT_CASTS, rows=rows, lock_key=lock_key(schema),
                        notify=f"{schema}_events", sequence=f'"{schema}".events_position_seq')
        conn.commit()
        return per_tx

    try:
        return run_writers(writers, work)
    finally:
        drop(schema)


def raw_insert(per_tx: int, writers: int) -> float:
    schema = f"bench_raw_{uuid.uuid4().hex[:6]}"
    conn = db.connect(DSN, "public")
    with conn.cursor() as cur:
        cur.execute(f'CREATE SCHEMA "{schema}"')
        cur.execute(f'CREATE TABLE "{schema}".events (position bigserial PRIMARY KEY,'
                    " event_id uuid NOT NULL UNIQUE, stream_id text NOT NULL, version int NOT NULL,"
                    " type text NOT NULL, schema_version int NOT NULL,"
                    " occurred_at timestamptz NOT NULL, data jsonb NOT NULL,"
                    " metadata jsonb NOT NULL,"
                    " UNIQUE (stream_id, version))")
    conn.commit()
    conn.close()

    def work(conn, w: int, i: int) -> int:
        rows = [(str(uuid.uuid4()), f"s-{w}-{i}", v + 1, "SomethingHappened", 1,
                 "2026-01-01T00:00:00Z", Json(DATA), Json({"actor": "bench"}))
                for v in range(per_tx)]
        with conn.cursor() as cur:
            execute_values(cur, f'INSERT INTO "{schema}".events (event_id, stream_id, version,'
                           " type, schema_version, occurred_at, data, metadata) VALUES %s", rows,
                           page_size=1000)
        conn.commit()
        return per_tx

    try:
        return run_writers(writers, work)
    finally:
        drop(schema)


def feed_read_rate() -> float:
    schema = fresh_schema("feed")
    store = EventStore(schema)
    conn = db.connect(DSN, schema, statement_timeout_ms=0)
    total = 20_000 if QUICK else 100_000
    with conn.cursor() as cur:
        for i in range(total // 1000):
            store.append(cur, f"f-{i}", 0, [NewEvent("SomethingHappened", DATA)] * 1000, {})
            conn.commit()
    started = time.monotonic()
    seen = after = 0
    with conn.cursor() as cur:
        while True:
            batch = store.read_feed(cur, after, 2000)
            if not batch:
                break
            seen += len(batch)
            after = batch[-1]["position"]
    rate = seen / (time.monotonic() - started)
    conn.close()
    drop(schema)
    return rate


def relay_rate() -> tuple[float, int]:
    import amqp

    from eventkit.amqp_uri import connection_args

    schema = fresh_schema("relay")
    store = EventStore(schema)
    conn = db.connect(DSN, schema, statement_timeout_ms=0)
    total = 20_000 if QUICK else 50_000
    with conn.cursor() as cur:
        for i in range(total // 1000):
            store.append(cur, f"r-{i}", 0, [NewEvent("SomethingHappened", DATA)] * 1000, {})
            conn.commit()
    conn.close()
    broker = amqp.Connection(**connection_args(AMQP))
    broker.connect()
    ch = broker.channel()
    ch.exchange_declare(exchange_name(schema), "topic", durable=True, auto_delete=False)
    queue = f"bench.{schema}"
    ch.queue_declare(queue, durable=True, auto_delete=False)
    ch.queue_bind(queue, exchange_name(schema), "#")
    relay = Relay(schema, DSN, AMQP, schema=schema, batch_size=5000)
    started = time.monotonic()
    while relay.run_once():
        pass
    rate = relay.stats["published"] / (time.monotonic() - started)
    relay.close()
    _, depth, _ = ch.queue_declare(queue, passive=True)
    ch.queue_delete(queue)
    ch.exchange_delete(exchange_name(schema))
    broker.close()
    drop(schema)
    return rate, depth


PEER_SCRIPT = r'''
import json, os, sys, threading, time, uuid
os.environ.update({"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": sys.argv[1],
    "POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": "5432", "POSTGRES_USER": "postgres",
    "POSTGRES_PASSWORD": "", "POSTGRES_SCHEMA": sys.argv[2], "CREATE_TABLE": "y",
    "POSTGRES_POOL_SIZE": "8"})
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
SECONDS = float(sys.argv[3])
DATA = {"name": "合作社", "amount_fen": 123456, "township": "Dazhuang", "note": "x" * 80}

class Thing(Aggregate):
    @event("Created")
    def __init__(self): pass
    @event("Happened")
    def happen(self, name, amount_fen, township, note): pass

class App(Application):
    pass

def run(per_save, writers):
    app = App()
    deadline = time.monotonic() + SECONDS
    counts = [0] * writers
    def w(k):
        while time.monotonic() < deadline:
            t = Thing()
            for _ in range(per_save - 1):
                t.happen(**DATA)
            app.save(t)
            counts[k] += per_save
    threads = [threading.Thread(target=w, args=(k,)) for k in range(writers)]
    start = time.monotonic()
    for t in threads: t.start()
    for t in threads: t.join()
    return sum(counts) / (time.monotonic() - start)

out = {}
for per, writers in ((1, 1), (1, 4), (100, 1), (100, 4)):
    out[f"{per}x{writers}"] = run(per, writers)
print(json.dumps(out))
'''


def peer() -> dict[str, float] | None:
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        print("installing the peer (eventsourcing + psycopg 3) into var/bench-peer ...",
              file=sys.stderr)
        subprocess.run([sys.executable.replace("/.venv/", "/.venv/"), "-m", "venv",
                        str(PEER_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q",
                        "eventsourcing[postgres]==9.4.6"], check=True)
    schema = f"bench_peer_{uuid.uuid4().hex[:6]}"
    conn = db.connect(DSN, "public")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE SCHEMA "{schema}"')
    try:
        out = subprocess.run([str(python), "-c", PEER_SCRIPT, DSN.rsplit("/", 1)[1], schema,
                              str(SECONDS)], capture_output=True, text=True, timeout=600)
        if out.returncode != 0:
            print("peer failed:", out.stderr[-2000:], file=sys.stderr)
            return None
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        with conn.cursor() as cur:
            cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.close()


def appends_only() -> int:
    """One-event appends against the raw insert, alternated, medians (issue 16's rows)."""
    import statistics

    goals = {1: 0.90, 4: 0.85}
    print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}"
          f" {os.getloadavg()[2]:.2f}")
    for writers in (1, 4):
        store_rates, raw_rates, ratios, locked = [], [], [], []
        for _ in range(ROUNDS):
            s = store_append(1, writers)
            r = raw_insert(1, writers)
            locked.append(locked_append(1, writers) / r)
            store_rates.append(s)
            raw_rates.append(r)
            ratios.append(s / r)
        ratio = statistics.median(ratios)
        print(f"  before issue 16 (lock and NOTIFY to the commit), same rounds:"
              f" {statistics.median(locked):.0%} of raw"
              f" ({', '.join(f'{x:.0%}' for x in locked)})")
        print(f"append 1x{writers}: store {statistics.median(store_rates):,.0f}/s, raw"
              f" {statistics.median(raw_rates):,.0f}/s, {ratio:.0%} of raw (rounds:"
              f" {', '.join(f'{x:.0%}' for x in ratios)}); goal >= {goals[writers]:.0%}"
              f" {'MET' if ratio >= goals[writers] else 'not met'};"
              f" load average {os.getloadavg()[0]:.2f}")
    return 0


def main() -> int:
    migrate.ensure_database(DSN)
    vhost = AMQP.rsplit("/", 1)[1]
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], capture_output=True)
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*",
                    ".*"], capture_output=True)
    assert psycopg2.extensions.get_wait_callback() is not None, "psycopg2 is not green"
    if APPENDS_ONLY:
        return appends_only()
    results: dict[str, float] = {}
    for per, writers in ((1, 1), (1, 4), (100, 1), (100, 4)):
        results[f"store {per}x{writers}"] = store_append(per, writers)
        results[f"raw {per}x{writers}"] = raw_insert(per, writers)
    peer_results = peer()
    feed = feed_read_rate()
    relay, delivered = relay_rate()

    print(f"\n{'workload (events per tx x writers)':40} {'coopleague':>12} {'raw insert':>12} "
          f"{'eventsourcing':>14}")
    for per, writers in ((1, 1), (1, 4), (100, 1), (100, 4)):
        key = f"{per}x{writers}"
        p = peer_results.get(key) if peer_results else None
        peer_cell = f"{p:14,.0f}" if p else "           n/a"
        print(f"{'append ' + key:40} {results['store ' + key]:12,.0f}"
              f" {results['raw ' + key]:12,.0f} {peer_cell}")
    print(f"{'feed read (events/s)':40} {feed:12,.0f}")
    print(f"{'relay append->confirm (events/s)':40} {relay:12,.0f}"
          f"   ({delivered:,} delivered to a bound queue)")
    print()
    if peer_results:
        print(f"one-event appends vs peer: {results['store 1x1'] / peer_results['1x1']:.1f}x "
              f"(1 writer), {results['store 1x4'] / peer_results['1x4']:.1f}x (4 writers); goal 3x")
    print(f"batched appends vs raw limit: {results['store 100x1'] / results['raw 100x1']:.0%} "
          f"(1 writer), {results['store 100x4'] / results['raw 100x4']:.0%} (4 writers); goal 60%")
    print(f"relay: {relay:,.0f} events/s; goal 10,000")
    return 0


if __name__ == "__main__":
    sys.exit(main())
