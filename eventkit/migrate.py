"""Apply SQL migrations in order and record them; re-running is a no-op.

Each applied migration is recorded with the SHA-256 of its file: a recorded migration whose
file has changed since is refused (MigrationChanged), so a database never silently differs
from what its migration files say. Migrations applied before checksums were kept get theirs
recorded on the next run (backfill), without being refused.

For each service: first the event kit's own files (`eventkit/migrations`), then the
service's (`services/<svc>/migrations`), all with search_path set to the service schema.
`python -m eventkit.migrate <service> [...]` (every one: `python -m deploy.migrate`); the
gateway is a "service" too, schema `gateway`.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from eventkit import config, db

ROOT = Path(__file__).resolve().parent.parent
LOCK_KEY = 0x636F6F70  # one migrator at a time across all processes


class MigrationChanged(RuntimeError):
    """An applied migration's file is no longer what was applied."""


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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
            cur.execute(f'ALTER TABLE "{schema}".schema_migrations'
                        " ADD COLUMN IF NOT EXISTS checksum text")
            conn.commit()
            cur.execute(f'SELECT name, checksum FROM "{schema}".schema_migrations')
            done = dict(cur.fetchall())
            files = [(f"{origin}/{path.name}", path) for origin, directory
                     in migration_dirs(service)
                     for path in (sorted(directory.glob("*.sql")) if directory.exists() else [])]
            changed = [f"{name} (applied {done[name][:12]}, file now {checksum(path)[:12]})"
                       for name, path in files
                       if done.get(name) is not None and done[name] != checksum(path)]
            if changed:
                raise MigrationChanged(
                    f"schema {schema}: applied migration(s) changed since: {', '.join(changed)}."
                    " An applied migration is never edited: restore the file and put the"
                    " change in a new migration.")
            for name, path in files:
                if name in done:
                    if done[name] is None:  # applied before checksums were kept
                        cur.execute(f'UPDATE "{schema}".schema_migrations SET checksum = %s'
                                    " WHERE name = %s", (checksum(path), name))
                        conn.commit()
                    continue
                cur.execute(path.read_text())
                cur.execute(
                    f'INSERT INTO "{schema}".schema_migrations (name, checksum)'
                    " VALUES (%s, %s)", (name, checksum(path))
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
        try:
            applied = migrate(service, dsn)
        except MigrationChanged as exc:
            print(f"{service}: refused: {exc}", file=sys.stderr)
            return 3
        names = f": {', '.join(applied)}" if applied else ""
        print(f"{service}: {len(applied)} migration(s) applied{names}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
