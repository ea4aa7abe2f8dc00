"""Apply SQL migrations in order and record them; re-running is a no-op.

For each service: first the event kit's own files (`eventkit/migrations`), then the
service's (`services/<svc>/migrations`), all with search_path set to the service schema.
`python -m eventkit.migrate <service> [...]` (every one: `python -m deploy.migrate`); the
gateway is a "service" too, schema `gateway`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from eventkit import config, db

ROOT = Path(__file__).resolve().parent.parent
LOCK_KEY = 0x636F6F70  # one migrator at a time across all processes


def migration_dirs(service: str) -> list[tuple[str, Path]]:
    dirs = []
    if service != "gateway":
        dirs.append(("eventkit", ROOT / "eventkit" / "migrations"))
    base = ROOT / "gateway" if service == "gateway" else ROOT / "services" / service
    dirs.append((service, base / "migrations"))
    return dirs


def ensure_database(dsn: str) -> None:
    """Create the database named in `dsn` if it does not exist."""
    import psycopg2
    from psycopg2.extensions import parse_dsn

    params = parse_dsn(dsn)
    name = params.get("dbname", "postgres")
    params["dbname"] = "postgres"
    conn = psycopg2.connect(**params)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def migrate(service: str, dsn: str | None = None, schema: str | None = None) -> list[str]:
    dsn = dsn or config.dsn(service)
    schema = schema or service
    ensure_database(dsn)
    conn = db.connect(dsn, schema, statement_timeout_ms=0)
    applied_now = []
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
            cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            cur.execute(
                f'CREATE TABLE IF NOT EXISTS "{schema}".schema_migrations ('
                " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            conn.commit()
            cur.execute(f'SELECT name FROM "{schema}".schema_migrations')
            done = {row[0] for row in cur.fetchall()}
            for origin, directory in migration_dirs(service):
                for path in sorted(directory.glob("*.sql")) if directory.exists() else []:
                    name = f"{origin}/{path.name}"
                    if name in done:
                        continue
                    cur.execute(path.read_text())
                    cur.execute(
                        f'INSERT INTO "{schema}".schema_migrations (name) VALUES (%s)', (name,)
                    )
                    conn.commit()
                    applied_now.append(name)
            cur.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
        conn.commit()
    finally:
        conn.close()
    return applied_now


def main(argv: list[str]) -> int:
    targets = argv
    if not targets:
        print("usage: python -m eventkit.migrate <schema> [...]  (all: python -m deploy.migrate)")
        return 2
    for service in targets:
        dsn = config.dsn(service)
        applied = migrate(service, dsn)
        names = f": {', '.join(applied)}" if applied else ""
        print(f"{service}: {len(applied)} migration(s) applied{names}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
