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


DEFAULT_MAX_LIFETIME = 12 * 3600
DEFAULT_MAX_EXTENDED_LIFETIME = 366 * 24 * 3600
LEEWAY = 60  # clock skew between the issuer and the gateway
EXTENDED = "integration"  # the `lifetime` claim of a command-line token asked to live longer


def max_lifetime(extended: bool = False) -> int:
    """Seconds a token may live (`TOKEN_MAX_LIFETIME_SECONDS`, default 12 h); integration
    tokens made with `python -m gateway.tokens --long-lived` up to
    `TOKEN_MAX_EXTENDED_LIFETIME_SECONDS` (default 366 days)."""
    if extended:
        return int(os.environ.get("TOKEN_MAX_EXTENDED_LIFETIME_SECONDS",
                                  DEFAULT_MAX_EXTENDED_LIFETIME))
    return int(os.environ.get("TOKEN_MAX_LIFETIME_SECONDS", DEFAULT_MAX_LIFETIME))


def _check_lifetime(claims: dict, now: float) -> None:
    """A token whose `exp` lies further ahead than the maximum lifetime is refused, so a
    stolen token (or one made with a careless `--ttl`) cannot stay good for years."""
    limit = max_lifetime(claims.get("lifetime") == EXTENDED)
    exp, iat = claims["exp"], claims.get("iat")
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        raise Unauthorized("invalid token: exp must be a number")
    if exp - now > limit + LEEWAY:
        raise Unauthorized(f"invalid token: it lives longer than the maximum of {limit} s")
    if iat is not None:
        if isinstance(iat, bool) or not isinstance(iat, int | float):
            raise Unauthorized("invalid token: iat must be a number")
        if iat > now + LEEWAY:
            raise Unauthorized("invalid token: issued in the future")
        if exp - iat > limit + LEEWAY:
            raise Unauthorized(f"invalid token: it lives longer than the maximum of {limit} s")


# Tokens already verified, with their principal and expiry (issue 16: the signature check
# and the claims' checks were ~8% of the gateway's time per request). Only accepted tokens
# are kept; an entry is used until the token's `exp` (every other check of
# `_check_lifetime` only gets easier with time), keyed by the secret too.
_VERIFIED: dict[tuple[str, str], tuple[Principal, float]] = {}
_VERIFIED_MAX = 4096


def authenticate(header: str | None, key: str | None = None) -> Principal:
    # the scheme is case-insensitive and may be followed by more than one space (RFC 9110)
    scheme, _, rest = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not rest.strip():
        raise Unauthorized("missing bearer token")
    token = rest.strip()
    import time

    signing = key or secret()
    cached = _VERIFIED.get((token, signing))
    if cached is not None and time.time() < cached[1]:
        return cached[0]
    principal, exp = _verify(token, signing)
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.clear()
    _VERIFIED[(token, signing)] = (principal, exp)
    return principal


def _verify(token: str, signing: str) -> tuple[Principal, float]:
    key = signing
    try:
        claims = jwt.decode(token, key, algorithms=ALGORITHMS,
                            options={"require": ["exp", "sub"]})
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"invalid token: {exc}") from exc
    import time

    _check_lifetime(claims, time.time())
    department, role, unit = claims.get("department"), claims.get("role"), claims.get("unit")
    if department not in DEPARTMENTS:
        raise Unauthorized("invalid token: unknown department")
    if role not in ROLES:
        raise Unauthorized("invalid token: unknown role")
    if unit is not None and not isinstance(unit, str):
        raise Unauthorized("invalid token: unit must be a string")
    if not isinstance(claims["sub"], str) or not claims["sub"]:
        raise Unauthorized("invalid token: sub must be a non-empty string")
    return (Principal(sub=claims["sub"], department=department, role=role, unit=unit),
            float(claims["exp"]))


def issue(sub: str, department: str, role: str, unit: str | None = None, ttl: int = 3600,
          key: str | None = None, long_lived: bool = False) -> str:
    """A signed token; `ttl` beyond the maximum lifetime needs `long_lived` (integrations)."""
    import time

    limit = max_lifetime(long_lived)
    if ttl > limit:
        raise ValueError(f"ttl must be at most {limit} seconds"
                         + ("" if long_lived else " (longer: --long-lived, for integrations)"))
    claims: dict = {"sub": sub, "department": department, "role": role,
                    "iat": int(time.time()), "exp": int(time.time()) + ttl}
    if long_lived:
        claims["lifetime"] = EXTENDED
    if unit:
        claims["unit"] = unit
    return jwt.encode(claims, key or secret(), algorithm="HS256")
