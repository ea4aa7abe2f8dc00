"""Apply SQL migrations in order and record them; re-running is a no-op.

Each applied migration is recorded with the SHA-256 of its file: a recorded migration whose
file has changed since is refused (MigrationChanged), so a database never silently differs
from what its migration files say. Migrations applied before checksums were kept get theirs
recorded on the next run (backfill), without being refused.

For each process: first the event kit's own files (`eventkit/migrations`), then the
process's (`services/<svc>/migrations`, or `<process>/migrations` at the top: the gateway),
all with search_path set to the process's schema. A process whose own migrations create its
store names, in `kernel_migrations.txt` beside them, the kernel's files it takes after its
own (see `kernel_takes`). `python -m eventkit.migrate <process> [...]` (every one:
`python -m deploy.migrate`).
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


KERNEL_DIR = ROOT / "eventkit" / "migrations"
TAKES = "kernel_migrations.txt"


def own_dir(process: str) -> Path:
    """A process's own migrations: `<process>/migrations` at the top of the project (the
    gateway) or `services/<process>/migrations`."""
    top = ROOT / process / "migrations"
    return top if top.is_dir() else ROOT / "services" / process / "migrations"


def migration_dirs(service: str) -> list[tuple[str, Path]]:
    """Where a schema's migrations come from, in the order they apply: the kernel's store
    first, then the process's own; or, when the process's own migrations create its store
    (a `kernel_migrations.txt` beside them), its own first, then the kernel's it takes."""
    own = (service, own_dir(service))
    kernel = ("eventkit", KERNEL_DIR)
    return [own, kernel] if (own[1] / TAKES).exists() else [kernel, own]


def kernel_takes(directory: Path) -> dict[str, str | None] | None:
    """What `directory/kernel_migrations.txt` says (None: no such file, every kernel file is
    taken): per line a kernel migration's file name, optionally `= <file>` naming this
    directory's own earlier copy of the same SQL. Where that copy was applied, the kernel's
    file is recorded as applied without running it again (its objects are there)."""
    path = directory / TAKES
    if not path.exists():
        return None
    takes: dict[str, str | None] = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, copy = (part.strip() for part in line.partition("="))
            takes[name] = copy or None
    return takes


def migration_files(service: str) -> tuple[list[tuple[str, Path]], dict[str, str]]:
    """The schema's migration files in order, each as (recorded name, path), and the kernel
    files already in effect where the recorded name of the process's own copy is found."""
    dirs = migration_dirs(service)
    takes, owner = None, ""
    for origin, directory in dirs:
        found = kernel_takes(directory)
        if found is not None:
            takes, owner = found, origin
    files: list[tuple[str, Path]] = []
    copies: dict[str, str] = {}
    for origin, directory in dirs:
        paths = sorted(directory.glob("*.sql")) if directory.exists() else []
        if takes is not None and directory == KERNEL_DIR:
            missing = set(takes) - {path.name for path in paths}
            if missing:
                raise FileNotFoundError(f"{owner}/{TAKES} names no kernel migration:"
                                        f" {', '.join(sorted(missing))}")
            paths = [path for path in paths if path.name in takes]
            for path in paths:
                copy = takes[path.name]
                if copy is not None:
                    copies[f"{origin}/{path.name}"] = f"{owner}/{copy}"
        files += [(f"{origin}/{path.name}", path) for path in paths]
    return files, copies


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
            files, copies = migration_files(service)
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
                if copies.get(name) in done:
                    # the process's own earlier copy of this SQL was applied: its objects
                    # are there, running the kernel's file again would fail (or double them)
                    cur.execute(
                        f'INSERT INTO "{schema}".schema_migrations (name, checksum)'
                        " VALUES (%s, %s)", (name, checksum(path)))
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
