"""Bearer tokens (JWT, HS256): who the caller is, their department, role and unit scope."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import jwt

ALGORITHMS = ["HS256"]  # fixed in code: a token cannot choose its own algorithm
ROLES = ("admin", "editor", "viewer")
DEPARTMENTS = (
    "league_committee", "organization", "agriculture", "supply_coop", "economic_management",
    "commerce", "science_technology", "civil_affairs", "tax", "finance", "bank",
)
ROOT = Path(__file__).resolve().parent.parent
SECRET_FILE = ROOT / "var" / "jwt_secret"


class Unauthorized(Exception):
    pass


@dataclass(frozen=True)
class Principal:
    sub: str
    department: str
    role: str
    unit: str | None = None

    @property
    def actor(self) -> str:
        return f"{self.department}:{self.sub}"


def secret() -> str:
    value = os.environ.get("JWT_SECRET")
    if value:
        return value
    if SECRET_FILE.exists():
        return SECRET_FILE.read_text().strip()
    raise RuntimeError("no JWT secret: set JWT_SECRET or run `make run` to create var/jwt_secret")


def ensure_secret_file() -> None:
    if not SECRET_FILE.exists():
        import secrets

        SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
        SECRET_FILE.write_text(secrets.token_urlsafe(48))
        SECRET_FILE.chmod(0o600)


def authenticate(header: str | None, key: str | None = None) -> Principal:
    if not header or not header.startswith("Bearer "):
        raise Unauthorized("missing bearer token")
    token = header[len("Bearer "):].strip()
    try:
        claims = jwt.decode(token, key or secret(), algorithms=ALGORITHMS,
                            options={"require": ["exp", "sub"]})
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"invalid token: {exc}") from exc
    department, role, unit = claims.get("department"), claims.get("role"), claims.get("unit")
    if department not in DEPARTMENTS:
        raise Unauthorized("invalid token: unknown department")
    if role not in ROLES:
        raise Unauthorized("invalid token: unknown role")
    if unit is not None and not isinstance(unit, str):
        raise Unauthorized("invalid token: unit must be a string")
    if not isinstance(claims["sub"], str) or not claims["sub"]:
        raise Unauthorized("invalid token: sub must be a non-empty string")
    return Principal(sub=claims["sub"], department=department, role=role, unit=unit)


def issue(sub: str, department: str, role: str, unit: str | None = None, ttl: int = 3600,
          key: str | None = None) -> str:
    import time

    claims = {"sub": sub, "department": department, "role": role,
              "iat": int(time.time()), "exp": int(time.time()) + ttl}
    if unit:
        claims["unit"] = unit
    return jwt.encode(claims, key or secret(), algorithm="HS256")
