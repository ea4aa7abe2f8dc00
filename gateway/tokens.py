"""`python -m gateway.tokens --department D --role R [--unit UNIT_ID] [--ttl S] [--long-lived]`.

A bearer token. Tokens live at most `TOKEN_MAX_LIFETIME_SECONDS` (12 h by default); a token
for an integration may ask for longer (up to `TOKEN_MAX_EXTENDED_LIFETIME_SECONDS`) with the
explicit `--long-lived` flag.
"""

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
    parser.add_argument("--long-lived", action="store_true",
                        help="an integration's token: --ttl may exceed the maximum lifetime")
    args = parser.parse_args(argv)
    auth.ensure_secret_file()
    try:
        token = auth.issue(args.sub or f"{args.department}-{args.role}", args.department,
                           args.role, args.unit, args.ttl, long_lived=args.long_lived)
    except ValueError as exc:
        parser.error(str(exc))
    print(token)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
