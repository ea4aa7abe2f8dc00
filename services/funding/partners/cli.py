"""`python -m services.funding.partners ...`: the partners' command line."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import services.funding.partners as package  # the `_db` seam tests replace
from services.funding.partners.common import KINDS, PartnerError
from services.funding.partners.dead_letters import dead_letter_depth, drop_dead, replay_dead
from services.funding.partners.records import (
    add,
    list_partners,
    remove,
    reset_password,
    rotate_secret,
)


def _print(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.funding.partners",
                                     description="Partners of the funding service.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_add = sub.add_parser("add", help="onboard a partner (prints its password and webhook"
                                       " secret once)")
    p_add.add_argument("--id", required=True)
    p_add.add_argument("--name", required=True)
    p_add.add_argument("--kind", required=True, choices=KINDS)
    sub.add_parser("list", help="partners with their counters")
    p_rot = sub.add_parser("rotate-secret", help="a new webhook secret (old ones stay valid"
                                                 " for --grace-hours)")
    p_rot.add_argument("--id", required=True)
    p_rot.add_argument("--grace-hours", type=float, default=24.0)
    p_pw = sub.add_parser("reset-password", help="a new broker password")
    p_pw.add_argument("--id", required=True)
    p_rm = sub.add_parser("remove", help="deactivate a partner and delete its broker user")
    p_rm.add_argument("--id", required=True)
    p_rep = sub.add_parser("replay-dead", help="send dead letters through validation again")
    p_rep.add_argument("--id", help="only this partner's dead letters")
    p_rep.add_argument("--limit", type=int)
    p_dl = sub.add_parser("dead-letters", help="recent dead letters and the queue depth")
    p_dl.add_argument("--id")
    p_drop = sub.add_parser("drop-dead", help="delete a partner's dead letters from the queue")
    p_drop.add_argument("--id", required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "add":
            _print(add(args.id, args.name, args.kind).as_dict())
            print("Keep the password and the webhook secret now: they are not shown again.",
                  file=sys.stderr)
        elif args.command == "list":
            conn = package._db()
            try:
                with conn.cursor() as cur:
                    _print(list_partners(cur))
            finally:
                conn.close()
        elif args.command == "rotate-secret":
            _print({"id": args.id,
                    "webhook_secret": rotate_secret(args.id, int(args.grace_hours * 3600))})
        elif args.command == "reset-password":
            _print({"id": args.id, "password": reset_password(args.id)})
        elif args.command == "remove":
            remove(args.id)
            _print({"id": args.id, "active": False})
        elif args.command == "replay-dead":
            _print(replay_dead(args.id, args.limit))
        elif args.command == "drop-dead":
            _print({"id": args.id, "dropped": drop_dead(args.id)})
        elif args.command == "dead-letters":
            conn = package._db()
            try:
                with conn.cursor() as cur:
                    cur.execute(
                        "SELECT partner_id, message_id, event_type, routing_key, channel,"
                        " reason, rejected_at, times, replayed_at FROM partner_dead_letters"
                        " WHERE (%s::text IS NULL OR partner_id = %s)"
                        " ORDER BY rejected_at DESC LIMIT 100", (args.id, args.id))
                    rows = [dict(zip(("partner_id", "message_id", "event_type", "routing_key",
                                      "channel", "reason", "rejected_at", "times",
                                      "replayed_at"), r, strict=True)) for r in cur.fetchall()]
            finally:
                conn.close()
            for row in rows:
                for key in ("rejected_at", "replayed_at"):
                    row[key] = row[key].isoformat() if row[key] else None
            _print({"queue_depth": dead_letter_depth(), "recent": rows})
    except PartnerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
