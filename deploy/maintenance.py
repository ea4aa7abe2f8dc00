"""`python -m deploy.maintenance [--always]`: one round of table maintenance (statistics and
dead rows, `eventkit.maintenance`) for every schema of the instance in the environment.

The processes run it themselves every minute when the server's autovacuum is off; this is
for right after a bulk load (the demo county, a restore), whose queries should not wait a
minute for their statistics. `--always` also runs it when autovacuum is on.
"""

from __future__ import annotations

import sys

from deploy.services import PROCESSES
from eventkit import config, db, maintenance


def main(argv: list[str]) -> int:
    always = "--always" in argv
    for schema in PROCESSES:
        pool = db.Pool(config.dsn(schema), schema, size=1, application_name="maintenance")
        try:
            done = maintenance.run_once(pool, schema, always=always)
        finally:
            pool.close()
        print(f"{schema}: {', '.join(done) if done else 'nothing due'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
