"""`make backup` / `make restore`: the event stores, the schemas' migrations and read models,
and the broker's definitions of the instance (docs/operations.md "Backup and restore").

    python -m deploy.backup backup [DIR]             default var/backups/<UTC time>
    python -m deploy.backup restore DIR [--replace]  --replace drops the instance's schemas first

A backup directory holds one `pg_dump --format=custom` per schema (`org.dump`, ...,
`gateway.dump`: events, commands, tracking rows, relay checkpoints, the migration records and
the read models; each from its own DSN, so services on separate servers work), `broker.json`
(the vhost's exchanges, queues, bindings, policies and the partners' users with their
permissions, from `rabbitmqctl export_definitions`; no messages: the stores are the truth
and consumers catch up from the feeds) and `manifest.json` (when, which instance, each
store's head).

Restore creates the database when missing, refuses to overwrite existing schemas unless
`--replace`, restores every schema, and imports the broker's definitions into the current
vhost. Stop the platform first (`make stop`); afterwards `make rebuild` proves the read models
follow from the events (the drill in tests/e2e/test_backup_drill.py does both).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import psycopg2

from deploy.services import PROCESSES
from eventkit import config
from eventkit.amqp_uri import connection_args

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = PROCESSES


class BackupError(RuntimeError):
    pass


def _run(args: list[str], **kw: Any) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, **kw)
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed: {done.stderr.strip()[:500]}")
    return done.stdout


def _rabbitmqctl(*args: str) -> str:
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    return _run([*prefix, "rabbitmqctl", "-q", *args])


def _dsn_without_options(dsn: str) -> str:
    return dsn.split("?")[0]


def _database(dsn: str) -> str:
    return unquote(urlparse(dsn).path.lstrip("/"))


def _admin_dsn(dsn: str) -> str:
    """The same server's `postgres` database (to create or drop a database)."""
    parsed = urlparse(_dsn_without_options(dsn))
    return parsed._replace(path="/postgres").geturl()


def _head(dsn: str, schema: str) -> int | None:
    with psycopg2.connect(dsn, connect_timeout=5) as conn, conn.cursor() as cur:
        cur.execute("SELECT to_regclass(%s)", (f'"{schema}".events',))
        if cur.fetchone()[0] is None:
            return None
        cur.execute(f'SELECT coalesce(max(position), 0) FROM "{schema}".events')
        return int(cur.fetchone()[0])


# -- the broker --------------------------------------------------------------------------
def broker_definitions(vhost: str, platform_user: str) -> dict[str, Any]:
    """The vhost's part of `rabbitmqctl export_definitions` (the partners' users too, not
    the platform's own user, which the deployment manages)."""
    path = Path(f"/tmp/coopleague-defs-{os.getpid()}.json")
    try:
        _rabbitmqctl("export_definitions", str(path))
        full = json.loads(path.read_text())
    finally:
        path.unlink(missing_ok=True)

    def mine(items: list[dict]) -> list[dict]:
        return [i for i in items if i.get("vhost") == vhost]

    permissions = [p for p in mine(full.get("permissions", [])) if p["user"] != platform_user]
    users = {p["user"] for p in permissions}
    return {
        "rabbit_version": full.get("rabbit_version"),
        "vhosts": [{"name": vhost}],
        "users": [u for u in full.get("users", []) if u["name"] in users],
        "permissions": permissions,
        "topic_permissions": [p for p in mine(full.get("topic_permissions", []))
                              if p["user"] in users],
        "parameters": mine(full.get("parameters", [])),
        "policies": mine(full.get("policies", [])),
        "exchanges": mine(full.get("exchanges", [])),
        "queues": mine(full.get("queues", [])),
        "bindings": mine(full.get("bindings", [])),
    }


def import_broker(definitions: dict[str, Any], vhost: str) -> None:
    """Import into `vhost` (the backup's vhost name may differ: restoring elsewhere)."""
    defs = json.loads(json.dumps(definitions))
    defs["vhosts"] = [{"name": vhost}]
    for key in ("permissions", "topic_permissions", "parameters", "policies", "exchanges",
                "queues", "bindings"):
        for item in defs.get(key, []):
            item["vhost"] = vhost
    path = Path(f"/tmp/coopleague-import-{os.getpid()}.json")
    path.write_text(json.dumps(defs))
    try:
        os.chmod(path, 0o644)
        _rabbitmqctl("import_definitions", str(path))
    finally:
        path.unlink(missing_ok=True)


# -- backup and restore ------------------------------------------------------------------
def backup(target: Path, with_broker: bool = True) -> dict[str, Any]:
    target.mkdir(parents=True, exist_ok=True)
    heads: dict[str, int | None] = {}
    for schema in SCHEMAS:
        dsn = _dsn_without_options(config.dsn(schema))
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
              f"--schema={schema}", f"--file={target / f'{schema}.dump'}", dsn])
        heads[schema] = _head(dsn, schema)
    args = connection_args(config.amqp_uri())
    if with_broker:
        defs = broker_definitions(args["virtual_host"], args["userid"])
        (target / "broker.json").write_text(json.dumps(defs, indent=1, ensure_ascii=False))
    manifest = {
        "taken_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "databases": {s: _database(config.dsn(s)) for s in SCHEMAS},
        "vhost": args["virtual_host"],
        "heads": heads,
        "broker": with_broker,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def _ensure_database(dsn: str) -> None:
    name = _database(dsn)
    conn = psycopg2.connect(_admin_dsn(dsn), connect_timeout=5)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def restore(source: Path, replace: bool = False, with_broker: bool = True) -> dict[str, Any]:
    manifest = json.loads((source / "manifest.json").read_text())
    for schema in SCHEMAS:
        if not (source / f"{schema}.dump").exists():
            raise BackupError(f"{source} has no {schema}.dump")
    for schema in SCHEMAS:
        dsn = _dsn_without_options(config.dsn(schema))
        _ensure_database(dsn)
        with psycopg2.connect(dsn, connect_timeout=5) as conn, conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,))
            exists = cur.fetchone() is not None
            if exists and not replace:
                raise BackupError(f"schema {schema} exists in {_database(dsn)}: restore into an"
                                  " empty database, or pass --replace to drop it first")
            if exists:
                cur.execute(f'DROP SCHEMA "{schema}" CASCADE')
            cur.execute(f'DROP SCHEMA IF EXISTS "{schema}_rebuild" CASCADE')
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
              f"--dbname={dsn}", str(source / f"{schema}.dump")])
    if with_broker and manifest.get("broker") and (source / "broker.json").exists():
        import_broker(json.loads((source / "broker.json").read_text()),
                      connection_args(config.amqp_uri())["virtual_host"])
    return manifest


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.backup")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("backup", help="dump the instance's schemas and broker definitions")
    b.add_argument("directory", nargs="?")
    b.add_argument("--no-broker", action="store_true")
    r = sub.add_parser("restore", help="restore a backup directory into this instance")
    r.add_argument("directory")
    r.add_argument("--replace", action="store_true", help="drop existing schemas first")
    r.add_argument("--no-broker", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.command == "backup":
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            target = Path(args.directory or ROOT / "var" / "backups" / stamp)
            manifest = backup(target, with_broker=not args.no_broker)
            print(f"backup in {target}: heads {manifest['heads']}")
        else:
            manifest = restore(Path(args.directory), args.replace,
                               with_broker=not args.no_broker)
            print(f"restored {args.directory} (taken {manifest['taken_at']}): heads"
                  f" {manifest['heads']}; run `make rebuild` to rebuild the read models")
    except BackupError as exc:
        print(f"backup: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
