"""Console accounts: argon2id passwords, lockout, refresh tokens, the sign-in audit.

`python -m gateway.users add|list|disable|reset-password` manages them from a shell; the
admin page of the console uses `/api/v1/users` (gateway/routes/accounts.py). A sign-in gives
the existing bearer JWT (30 minutes) and a refresh token that the browser keeps in an
HttpOnly, SameSite=Strict cookie: each use revokes it and issues the next; a revoked token
used again revokes every token of the account (a stolen copy was used). Disabling an account
or resetting its password revokes its refresh tokens.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import hashlib
import os
import re
import secrets
import sys
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gateway import auth

MIN_PASSWORD = 10
MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
ACCESS_SECONDS = 30 * 60
USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,63}$")
_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory parameters
# verified against when the account does not exist, so that its absence takes as long
_DUMMY = _hasher.hash("not-a-password-of-anyone")
_COLUMNS = ("username", "display_name", "department", "role", "unit", "active", "locked_until",
            "created_at")


class AccountError(Exception):
    """A refused account operation: `status` (401, 404, 409, 422, 423) and field errors."""

    def __init__(self, status: int, detail: str, errors: dict[str, list[str]] | None = None,
                 retry_after: int | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.errors, self.retry_after = (status, detail, errors,
                                                                   retry_after)


@dataclass(frozen=True)
class Session:
    user: dict[str, Any]
    access_token: str
    refresh_token: str
    expires_in: int = ACCESS_SECONDS


def refresh_seconds() -> int:
    return int(os.environ.get("REFRESH_TOKEN_SECONDS", str(12 * 3600)))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise AccountError(422, "the password is too short",
                           {"password": [f"must be at least {MIN_PASSWORD} characters"]})


def _row(row: tuple) -> dict[str, Any]:
    user = dict(zip(_COLUMNS, row, strict=True))
    for key in ("locked_until", "created_at"):
        user[key] = user[key].isoformat() if user[key] else None
    return user


def record(cur: Any, username: str, event: str, address: str | None = None, detail: str = "",
           correlation_id: str | None = None) -> None:
    cur.execute("INSERT INTO auth_events (username, event, address, detail, correlation_id)"
                " VALUES (%s, %s, %s, %s, %s)",
                (username[:100], event, (address or "")[:100] or None, detail[:500],
                 correlation_id))


def add(cur: Any, username: str, display_name: str, department: str, role: str,
        unit: str | None, password: str) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if not USERNAME.match(username or ""):
        errors["username"] = ["3-64 characters: lower-case letters, digits, _ . -"]
    if not (display_name or "").strip():
        errors["display_name"] = ["must not be empty"]
    if department not in auth.DEPARTMENTS:
        errors["department"] = ["unknown department"]
    if role not in auth.ROLES:
        errors["role"] = ["unknown role"]
    if errors:
        raise AccountError(422, "the account has invalid fields", errors)
    check_password(password)
    cur.execute("INSERT INTO users (username, display_name, department, role, unit,"
                " password_hash) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
                f" RETURNING {', '.join(_COLUMNS)}",
                (username, display_name.strip(), department, role, unit or None,
                 _hasher.hash(password)))
    row = cur.fetchone()
    if row is None:
        raise AccountError(409, f"the username {username} is taken")
    return _row(row)


def get(cur: Any, username: str) -> dict[str, Any]:
    cur.execute(f"SELECT {', '.join(_COLUMNS)} FROM users WHERE username = %s", (username,))
    row = cur.fetchone()
    if row is None:
        raise AccountError(404, f"no account {username}")
    return _row(row)


def list_(cur: Any) -> list[dict[str, Any]]:
    cur.execute(f"SELECT {', '.join(_COLUMNS)} FROM users ORDER BY username")
    return [_row(r) for r in cur.fetchall()]


def _revoke_all(cur: Any, username: str) -> None:
    cur.execute("UPDATE refresh_tokens SET revoked_at = now()"
                " WHERE username = %s AND revoked_at IS NULL", (username,))


def disable(cur: Any, username: str, by: str = "cli") -> dict[str, Any]:
    get(cur, username)
    cur.execute("UPDATE users SET active = false, updated_at = now() WHERE username = %s",
                (username,))
    _revoke_all(cur, username)
    record(cur, username, "disabled", detail=f"by {by}")
    return get(cur, username)


def reset_password(cur: Any, username: str, password: str, by: str = "cli") -> dict[str, Any]:
    get(cur, username)
    check_password(password)
    cur.execute("UPDATE users SET password_hash = %s, failed_logins = 0, locked_until = NULL,"
                " updated_at = now() WHERE username = %s", (_hasher.hash(password), username))
    _revoke_all(cur, username)
    record(cur, username, "password_reset", detail=f"by {by}")
    return get(cur, username)


def _new_session(cur: Any, user: dict[str, Any]) -> Session:
    token = secrets.token_urlsafe(32)
    cur.execute("INSERT INTO refresh_tokens (token_hash, username, expires_at)"
                " VALUES (%s, %s, now() + make_interval(secs => %s))",
                (_digest(token), user["username"], refresh_seconds()))
    access = auth.issue(user["username"], user["department"], user["role"], user["unit"],
                        ACCESS_SECONDS)
    return Session(user, access, token)


def login(pool: Any, username: str, password: str, address: str | None,
          correlation_id: str | None = None) -> Session:
    """A session, or AccountError 401 (wrong name or password, disabled) / 423 (locked).

    Each failure is one committed audit row and counter step, even though the request fails.
    """
    with pool.transaction() as cur:
        cur.execute("SELECT password_hash, active, failed_logins, locked_until FROM users"
                    " WHERE username = %s FOR UPDATE", (username,))
        row = cur.fetchone()
        if row is None:
            try:
                _hasher.verify(_DUMMY, password)
            except VerificationError:
                pass
            record(cur, username, "login_failed", address, "unknown user", correlation_id)
            failure: AccountError | None = AccountError(401, "wrong username or password")
        else:
            failure = _check(cur, username, password, row, address, correlation_id)
        if failure is None:
            cur.execute("UPDATE users SET failed_logins = 0, locked_until = NULL"
                        " WHERE username = %s", (username,))
            record(cur, username, "login", address, "", correlation_id)
            return _new_session(cur, get(cur, username))
    raise failure


def _check(cur: Any, username: str, password: str, row: tuple, address: str | None,
           correlation_id: str | None) -> AccountError | None:
    password_hash, active, failures, locked_until = row
    now = _now()
    if locked_until is not None and locked_until > now:
        record(cur, username, "login_failed", address, "locked", correlation_id)
        wait = int((locked_until - now).total_seconds()) + 1
        return AccountError(423, "the account is locked after repeated failed sign-ins;"
                                 f" try again in {(wait + 59) // 60} minutes", retry_after=wait)
    try:
        ok = _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if ok and active:
        return None
    if ok and not active:
        record(cur, username, "login_failed", address, "disabled", correlation_id)
        return AccountError(401, "wrong username or password")
    failures = (failures if locked_until is None or locked_until > now else 0) + 1
    if failures >= MAX_FAILURES:
        cur.execute("UPDATE users SET failed_logins = 0, locked_until = %s WHERE username = %s",
                    (now + LOCKOUT, username))
        record(cur, username, "login_failed", address, "wrong password", correlation_id)
        record(cur, username, "locked_out", address, f"{MAX_FAILURES} failures",
               correlation_id)
        return AccountError(423, "the account is locked for 15 minutes after"
                                 f" {MAX_FAILURES} failed sign-ins",
                            retry_after=int(LOCKOUT.total_seconds()))
    cur.execute("UPDATE users SET failed_logins = %s WHERE username = %s", (failures, username))
    record(cur, username, "login_failed", address, "wrong password", correlation_id)
    return AccountError(401, "wrong username or password")


def refresh(pool: Any, token: str | None, address: str | None,
            correlation_id: str | None = None) -> Session:
    """Rotate: the presented token is revoked and a new session issued."""
    if not token:
        raise AccountError(401, "no refresh token")
    with pool.transaction() as cur:
        cur.execute("SELECT t.username, t.expires_at, t.revoked_at, u.active FROM refresh_tokens t"
                    " JOIN users u USING (username) WHERE t.token_hash = %s FOR UPDATE OF t",
                    (_digest(token),))
        row = cur.fetchone()
        if row is None:
            failure = AccountError(401, "unknown refresh token")
        else:
            username, expires_at, revoked_at, active = row
            if revoked_at is not None:
                # a rotated token came back: someone holds a copy; end every session
                _revoke_all(cur, username)
                record(cur, username, "refresh_reused", address, "all sessions revoked",
                       correlation_id)
                failure = AccountError(401, "the refresh token was already used")
            elif expires_at <= _now() or not active:
                failure = AccountError(401, "the session has ended")
            else:
                cur.execute("UPDATE refresh_tokens SET revoked_at = now() WHERE token_hash = %s",
                            (_digest(token),))
                return _new_session(cur, get(cur, username))
    raise failure


def logout(pool: Any, token: str | None, address: str | None,
           correlation_id: str | None = None) -> None:
    if not token:
        return
    with pool.transaction() as cur:
        cur.execute("UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, now())"
                    " WHERE token_hash = %s RETURNING username", (_digest(token),))
        row = cur.fetchone()
        if row is not None:
            record(cur, row[0], "logout", address, "", correlation_id)


# -- the command line ---------------------------------------------------------------------
def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码 / password: ")
    if getpass.getpass("再次输入 / again: ") != first:
        raise AccountError(422, "the two passwords differ")
    return first


def main(argv: list[str]) -> int:
    from eventkit import config, db

    parser = argparse.ArgumentParser(prog="python -m gateway.users", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_add = sub.add_parser("add", help="create an account")
    p_add.add_argument("username")
    p_add.add_argument("--name", required=True, help="display name, e.g. 张红梅")
    p_add.add_argument("--department", required=True, choices=auth.DEPARTMENTS)
    p_add.add_argument("--role", required=True, choices=auth.ROLES)
    p_add.add_argument("--unit", default=None, help="scope: this unit and its descendants")
    p_add.add_argument("--password-stdin", action="store_true")
    sub.add_parser("list", help="list accounts")
    p_dis = sub.add_parser("disable", help="disable an account and end its sessions")
    p_dis.add_argument("username")
    p_reset = sub.add_parser("reset-password", help="set a new password, end its sessions")
    p_reset.add_argument("username")
    p_reset.add_argument("--password-stdin", action="store_true")
    args = parser.parse_args(argv)
    conn = db.connect(config.dsn("gateway"), "gateway")
    try:
        with conn, conn.cursor() as cur:
            if args.command == "add":
                user = add(cur, args.username, args.name, args.department, args.role,
                           args.unit, _password(args))
                print(f"added {user['username']} ({user['display_name']})")
            elif args.command == "list":
                for u in list_(cur):
                    state = "active" if u["active"] else "disabled"
                    print(f"{u['username']}\t{u['display_name']}\t{u['department']}\t"
                          f"{u['role']}\t{u['unit'] or '-'}\t{state}")
            elif args.command == "disable":
                disable(cur, args.username)
                print(f"disabled {args.username}")
            else:
                reset_password(cur, args.username, _password(args))
                print(f"password of {args.username} reset")
    except AccountError as err:
        print(f"error: {err.detail} {err.errors or ''}".strip(), file=sys.stderr)
        return 1
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
