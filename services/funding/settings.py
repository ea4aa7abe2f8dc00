"""funding's settings from the environment (defaults for one machine)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from eventkit import config

ROOT = Path(__file__).resolve().parents[2]
PERSON_KEY_FILE = ROOT / "var" / "person_key"


def person_secret() -> bytes:
    """The key of the resident-id hash (`PERSON_KEY_SECRET`, else var/person_key, created
    once with mode 0600). Changing it makes earlier hashes unmatchable: keep it."""
    value = os.environ.get("PERSON_KEY_SECRET")
    if value:
        return value.encode()
    if not PERSON_KEY_FILE.exists():
        PERSON_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
        tmp = PERSON_KEY_FILE.with_suffix(".tmp")
        tmp.write_text(secrets.token_urlsafe(48))
        tmp.chmod(0o600)
        try:
            os.link(tmp, PERSON_KEY_FILE)  # atomic: two processes never write two keys
        except FileExistsError:
            pass
        tmp.unlink(missing_ok=True)
    return PERSON_KEY_FILE.read_text().strip().encode()


def consumer_enabled() -> bool:
    return os.environ.get("PARTNER_CONSUMER", "1") not in ("0", "false", "no")


def prefetch() -> int:
    return config.env_int("PARTNER_PREFETCH", 2000)


def batch_size() -> int:
    return config.env_int("PARTNER_BATCH", 1000)


def batch_wait() -> float:
    return config.env_float("PARTNER_BATCH_WAIT_SECONDS", 0.05)

