"""`python -m gateway.tokens --department D --role R [--unit UNIT_ID] [--ttl S]`: a bearer token."""

from __future__ import annotations

import argparse
import sys

from gateway import auth


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.tokens", description=__doc__)
    parser.add_argument("--department", required=True, choices=auth.DEPARTMENTS)
    parser.add_argument("--role", required=True, choices=auth.ROLES)
    parser.add_argument("--unit", default=None, help="scope: this unit and its descendants")
    parser.add_argument("--ttl", type=int, default=8 * 3600, help="seconds until it expires")
    parser.add_argument("--sub", default=None, help="the person (default: <department>-<role>)")
    args = parser.parse_args(argv)
    auth.ensure_secret_file()
    print(auth.issue(args.sub or f"{args.department}-{args.role}", args.department, args.role,
                     args.unit, args.ttl))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
