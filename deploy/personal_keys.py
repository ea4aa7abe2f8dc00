"""`python -m deploy.personal_keys rotate [process ...]`: re-wrap every data key of every
process's key table (the four services' and the gateway's, docs/personal-data.md) under the
current master key, one transaction per process; a second run finds nothing left."""

from __future__ import annotations

import sys

from deploy.services import PROCESSES
from eventkit import config, db
from eventkit.personal import KeyStore


def rotate(process: str) -> int:
    conn = db.connect(config.dsn(process), process, statement_timeout_ms=0)
    try:
        with conn.cursor() as cur:
            count = KeyStore(process).rotate(cur)
        conn.commit()
    finally:
        conn.close()
    return count


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "rotate" or any(p not in PROCESSES for p in argv[1:]):
        print(f"usage: python -m deploy.personal_keys rotate [{'|'.join(PROCESSES)} ...]")
        return 2
    for process in argv[1:] or PROCESSES:
        print(f"{process}: {rotate(process)} data key(s) re-wrapped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
