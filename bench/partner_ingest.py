"""Partner ingest benchmark: 10,000 `credit.granted` published as a bank would, over AMQP.

    .venv/bin/python bench/partner_ingest.py [--grants 10000] [--duplicates 500]
                                             [--invalid 200] [--runs 1]

Against the running platform of the environment (`make run`'s by default; set the instance
variables of docs/conventions.md for another). For each run it onboards a partner with its
own broker user (the partners CLI's functions), starts a separate publisher process that
publishes the grants with publisher confirms (pipelined), then the duplicates (message ids
already sent) and the invalid messages (bodies that fail validation), and measures, from
the first publish, the time until the gateway shows every grant
(`GET /api/v1/credit-grants/summary?partner_id=`) and every duplicate and rejection
(`GET /api/v1/partners/{id}/counters`). The partner's broker user and its dead letters are
deleted afterwards.
Prints the figures; docs/benchmarks.md ("Partner ingest") records them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# ------------------------------------------------------------------ the publisher process
def resident_id(rng: random.Random) -> str:
    from eventkit.identifiers import make_resident_id

    born = dt.date(1985, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 20))
    return make_resident_id("371202", born, f"{rng.randrange(0, 1000):03d}")


def grant(i: int, rng: random.Random) -> dict[str, Any]:
    return {
        "grant_id": f"B{i:06d}",
        "beneficiary": {"kind": "person", "name": f"Applicant {i}", "id_number": resident_id(rng)},
        "amount_fen": rng.randrange(30_000, 200_001) * 100,
        "term_months": rng.choice((12, 24, 36)),
        "annual_rate_bp": rng.choice((385, 435, 475)),
        "guarantee": rng.choice(("credit", "guarantee_fund", "guarantor")),
        "purpose": "start-up loan",
        "granted_at": f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
    }


def publish(uri: str, partner_id: str, grants: int, duplicates: int, invalid: int) -> None:
    """Runs in its own process; prints one JSON line of figures."""
    import amqp

    from eventkit.amqp_uri import connection_args

    rng = random.Random(42)
    bodies = [json.dumps(grant(i, rng)).encode() for i in range(grants)]
    ids = [uuid.uuid4().hex for _ in range(grants)]
    conn = amqp.Connection(**connection_args(uri), confirm_publish=False)
    conn.connect()
    ch = conn.channel()
    ch.confirm_select()
    acked = {"n": 0, "nacked": 0}
    ch.events["basic_ack"].add(
        lambda tag, multiple: acked.__setitem__("n", max(acked["n"], tag)))
    ch.events["basic_nack"].add(
        lambda tag, multiple: acked.__setitem__("nacked", acked["nacked"] + 1))

    def send(body: bytes, message_id: str, event_type: str = "credit.granted") -> None:
        ch.basic_publish(amqp.Message(body, content_type="application/json", delivery_mode=2,
                                      message_id=message_id, type=event_type,
                                      user_id=partner_id, timestamp=int(time.time())),
                         exchange="partners.inbound", routing_key=f"{partner_id}.{event_type}")

    started = time.time()
    for body, message_id in zip(bodies, ids, strict=True):
        send(body, message_id)
    for i in range(duplicates):
        send(bodies[i], ids[i])
    for i in range(invalid):
        send(json.dumps({"grant_id": f"X{i}", "amount_fen": "a lot"}).encode(), uuid.uuid4().hex)
    published = time.time()
    total = grants + duplicates + invalid
    while acked["n"] < total:
        conn.drain_events(timeout=10)
    confirmed = time.time()
    conn.close()
    print(json.dumps({"started": started, "published": published, "confirmed": confirmed,
                      "nacked": acked["nacked"]}), flush=True)


# ------------------------------------------------------------------ the measuring process
def run_once(client, grants: int, duplicates: int, invalid: int) -> dict[str, float]:
    from services.funding import partners

    partner = partners.add(f"bench-{uuid.uuid4().hex[:8]}", "Bench Bank", "bank")
    try:
        proc = subprocess.Popen(
            [sys.executable, __file__, "--publish", partner.amqp_uri, partner.partner_id,
             str(grants), str(duplicates), str(invalid)],
            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
        visible_at = counted_at = None
        summary_path = f"/credit-grants/summary?partner_id={partner.partner_id}"
        counters_path = f"/partners/{partner.partner_id}/counters"
        deadline = time.time() + 300
        while time.time() < deadline and (visible_at is None or counted_at is None):
            if visible_at is None and client.get(summary_path)["grants"] >= grants:
                visible_at = time.time()
            if counted_at is None:
                c = client.get(counters_path)
                if c["duplicate"] >= duplicates and c["rejected"] >= invalid \
                        and c["accepted"] >= grants:
                    counted_at = time.time()
            time.sleep(0.1)
        out, _ = proc.communicate(timeout=60)
        pub = json.loads(out.strip().splitlines()[-1])
        if visible_at is None or counted_at is None:
            raise SystemExit("timed out: not every message became visible in 300 s")
        final = client.get(counters_path)
        summary = client.get(summary_path)
        return {
            "publish_s": pub["published"] - pub["started"],
            "confirmed_s": pub["confirmed"] - pub["started"],
            "visible_s": visible_at - pub["started"],
            "all_counted_s": counted_at - pub["started"],
            "grants": summary["grants"],
            "accepted": final["accepted"],
            "duplicate": final["duplicate"],
            "rejected": final["rejected"],
            "nacked": pub["nacked"],
        }
    finally:
        partners.remove(partner.partner_id)
        partners.drop_dead(partner.partner_id)  # its invalid messages, dead-lettered


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--publish":
        uri, partner_id, grants, duplicates, invalid = argv[1:6]
        publish(uri, partner_id, int(grants), int(duplicates), int(invalid))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grants", type=int, default=10_000)
    parser.add_argument("--duplicates", type=int, default=500)
    parser.add_argument("--invalid", type=int, default=200)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    from deploy.demo.client import Client

    client = Client()
    results = []
    for n in range(args.runs):
        result = run_once(client, args.grants, args.duplicates, args.invalid)
        results.append(result)
        total = args.grants + args.duplicates + args.invalid
        print(f"run {n + 1}: {args.grants} grants + {args.duplicates} duplicates + "
              f"{args.invalid} invalid = {total} messages")
        print(f"  published in {result['publish_s']:.2f} s, all confirmed after "
              f"{result['confirmed_s']:.2f} s ({total / result['confirmed_s']:.0f} msg/s)")
        print(f"  {result['grants']} grants visible through the gateway after "
              f"{result['visible_s']:.2f} s ({args.grants / result['visible_s']:.0f} grants/s);"
              f" goal (issue 16) < 2.5 s for 10,000:"
              f" {'MET' if result['visible_s'] < 2.5 else 'not met'};"
              f" load average {os.getloadavg()[0]:.2f}")
        print(f"  every message counted after {result['all_counted_s']:.2f} s: accepted "
              f"{result['accepted']}, duplicate {result['duplicate']}, rejected "
              f"{result['rejected']} (broker nacks: {result['nacked']})")
    if len(results) > 1:
        visible = [r["visible_s"] for r in results]
        print(f"visible: median {statistics.median(visible):.2f} s, best {min(visible):.2f} s,"
              f" worst {max(visible):.2f} s over {len(results)} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
