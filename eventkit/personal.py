"""Personal information in an append-only store: crypto-shredding (PIPL Art. 47).

An event is never changed, so a person's fields cannot be deleted from it. Instead each
person (a *subject*: a member id, a person id) has a data key of their own in the service's
key store (`personal_keys`, one table per service schema); the personal fields of events are
stored encrypted with it (AES-256-GCM, the subject bound as associated data), and erasure
destroys the key: every copy of the event, in the store, in a rebuild, in a backup once the
key store's backup has rolled over, then reads as `ERASED`.

Data keys are stored wrapped (AES-GCM) by a master key from configuration:
`PERSONAL_MASTER_KEYS` (comma-separated, base64 of 32 bytes each, the first one current) or
the file named by `PERSONAL_MASTER_KEY_FILE` (default `$VAR/personal_master_keys`, one key a
line, created by `deploy/platform.sh setup` for dev and test instances). Rotation: put a new
key first, keep the old ones after it, run `python -m deploy.personal_keys rotate`, which
re-wraps every data key under the new key; then the old keys can be dropped.

Which fields are personal is declared on each event schema (`personal = Personal(...)`);
`EventStore` seals them on append and opens them on read, so domain code and projectors
see clear values (or `ERASED`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from eventkit.identifiers import ERASED

__all__ = ["ERASED", "KeyStore", "Keyring", "Personal", "PREFIX", "looks_personal"]

PREFIX = "pii:1:"  # an encrypted value in event data: PREFIX + base64(nonce | ciphertext)

# Field names that look like personal information; an event schema carrying one of them
# must declare it personal (or say why not in `not_personal`). tests/unit/test_personal.py
PERSONAL_HINTS = ("name", "id_number", "resident_id", "phone", "mobile", "birth",
                  "contact", "address", "id_last4", "id_key")


def looks_personal(field_name: str) -> bool:
    return any(hint in field_name for hint in PERSONAL_HINTS)


@dataclass(frozen=True)
class Personal:
    """The personal fields of one event schema.

    `subject`: the data field naming the person; None means the event's own stream (the
    aggregate id, e.g. the member of a `member-<id>` stream). `erased`: what a field reads as
    once erased when `ERASED` does not fit its type (a date reads as None).
    `not_personal`: names that look personal but are not (a cooperative's name...).
    """

    fields: tuple[str, ...] = ()
    subject: str | None = None
    erased: dict[str, Any] = field(default_factory=dict)
    not_personal: tuple[str, ...] = ()

    def subject_of(self, stream_id: str, data: dict[str, Any]) -> str | None:
        if self.subject is None:
            return stream_id.split("-", 1)[1] if "-" in stream_id else stream_id
        value = data.get(self.subject)
        return str(value) if value else None

    def erased_value(self, name: str) -> Any:
        return self.erased.get(name, ERASED)


def declaration(schema: type) -> Personal | None:
    value = getattr(schema, "personal", None)
    return value if isinstance(value, Personal) else None


# -- master keys ----------------------------------------------------------------------


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"coopleague-master:" + key).hexdigest()[:16]


class Keyring:
    """Master keys: the first wraps new data keys; all of them unwrap."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise RuntimeError("no personal-data master key")
        for k in keys:
            if len(k) != 32:
                raise RuntimeError("a personal-data master key must be 32 bytes (base64)")
        self.keys = {_key_id(k): AESGCM(k) for k in keys}
        self.current_id = _key_id(keys[0])

    @staticmethod
    def parse(text: str) -> list[bytes]:
        parts = [p.strip() for p in text.replace(",", "\n").splitlines()]
        return [base64.b64decode(p) for p in parts if p and not p.startswith("#")]

    @classmethod
    def from_config(cls) -> Keyring:
        value = os.environ.get("PERSONAL_MASTER_KEYS")
        if value:
            return cls(cls.parse(value))
        path = key_file()
        if path.exists():
            return cls(cls.parse(path.read_text()))
        raise RuntimeError(
            f"no personal-data master key: set PERSONAL_MASTER_KEYS or create {path}"
            " (deploy/platform.sh setup does for dev and test instances)")

    def wrap(self, subject: str, data_key: bytes) -> tuple[str, bytes]:
        nonce = secrets.token_bytes(12)
        sealed = self.keys[self.current_id].encrypt(nonce, data_key, subject.encode())
        return self.current_id, nonce + sealed

    def unwrap(self, subject: str, master_id: str, wrapped: bytes) -> bytes:
        try:
            aead = self.keys[master_id]
        except KeyError:
            raise RuntimeError(f"master key {master_id} is not configured") from None
        return aead.decrypt(wrapped[:12], wrapped[12:], subject.encode())


def key_file() -> Path:
    explicit = os.environ.get("PERSONAL_MASTER_KEY_FILE")
    if explicit:
        return Path(explicit)
    var = os.environ.get("VAR") or str(Path(__file__).resolve().parent.parent / "var")
    return Path(var) / "personal_master_keys"


def ensure_key_file() -> Path:
    """Dev and test instances: a generated master key in the instance's var (like the JWT
    secret). Production sets PERSONAL_MASTER_KEYS from its secret store instead."""
    path = key_file()
    if not os.environ.get("PERSONAL_MASTER_KEYS") and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
        path.chmod(0o600)
    return path


_default: Keyring | None = None
_default_lock = threading.Lock()


def default_keyring() -> Keyring:
    global _default
    with _default_lock:
        if _default is None:
            _default = Keyring.from_config()
        return _default


# -- data keys -------------------------------------------------------------------------


_caches: dict[str, tuple[dict[str, bytes | None], threading.Lock]] = {}


class KeyStore:
    """The data keys of one service schema (table `personal_keys`).

    Unwrapped keys are cached in the process; an erasure through this object drops the
    cached key at once. (Each service's key store is written by that service's own process.)
    A subject's row stays after erasure with its key gone, so new events of an erased person
    are stored erased too, and the erasure is recorded (when, why).
    """

    def __init__(self, schema: str, keyring: Keyring | None = None) -> None:
        self.schema = schema
        self._keyring = keyring
        # shared by every KeyStore of the schema in this process (the relay's, the feed's),
        # so an erasure drops the key everywhere at once
        self._cache, self._lock = _caches.setdefault(schema, ({}, threading.Lock()))

    @property
    def keyring(self) -> Keyring:
        return self._keyring or default_keyring()

    @property
    def table(self) -> str:
        return f'"{self.schema}".personal_keys'

    def _remember(self, subject: str, key: bytes | None) -> None:
        with self._lock:
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[subject] = key

    def load(self, cur, subjects: Iterable[str]) -> dict[str, bytes | None]:
        """The keys of `subjects` that exist (None for an erased subject)."""
        wanted = set(subjects)
        found = {s: self._cache[s] for s in wanted if s in self._cache}
        missing = sorted(wanted - found.keys())
        if missing:
            # a row this transaction wrote is not cached: it may yet roll back
            cur.execute(f"SELECT subject, master_id, wrapped, xmin::text::bigint ="
                        " coalesce(pg_current_xact_id_if_assigned()::text::bigint %% 4294967296,"
                        f" -1) FROM {self.table} WHERE subject = ANY(%s)", (missing,))
            for subject, master_id, wrapped, own in cur.fetchall():
                key = (None if wrapped is None
                       else self.keyring.unwrap(subject, master_id, bytes(wrapped)))
                if not own:
                    self._remember(subject, key)
                found[subject] = key
        return found

    def for_writing(self, cur, subjects: Iterable[str]) -> dict[str, bytes | None]:
        """Keys of `subjects`, creating those that do not exist yet (in this transaction)."""
        found = self.load(cur, subjects)
        for subject in sorted(set(subjects) - found.keys()):
            key = AESGCM.generate_key(bit_length=256)
            master_id, wrapped = self.keyring.wrap(subject, key)
            cur.execute(f"INSERT INTO {self.table} (subject, master_id, wrapped)"
                        " VALUES (%s, %s, %s) ON CONFLICT (subject) DO NOTHING RETURNING 1",
                        (subject, master_id, wrapped))
            if cur.fetchone() is None:  # a concurrent append created it first
                found.update(self.load(cur, [subject]))
            else:
                found[subject] = key
        return found

    def erase(self, cur, subject: str, reason: str) -> bool:
        """Destroy the subject's key; True when there was one to destroy."""
        cur.execute(
            f"INSERT INTO {self.table} (subject, master_id, wrapped, erased_at, erased_reason)"
            " VALUES (%s, NULL, NULL, now(), %s) ON CONFLICT (subject) DO UPDATE"
            " SET master_id = NULL, wrapped = NULL,"
            " erased_at = coalesce(personal_keys.erased_at, now()),"
            " erased_reason = coalesce(personal_keys.erased_reason, EXCLUDED.erased_reason)"
            " RETURNING (xmax <> 0)", (subject, reason))
        with self._lock:
            self._cache.pop(subject, None)
        return bool(cur.fetchone()[0])

    def forget_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    def rotate(self, cur) -> int:
        """Re-wrap every live data key under the current master key; returns how many."""
        ring = self.keyring
        cur.execute(f"SELECT subject, master_id, wrapped FROM {self.table}"
                    " WHERE wrapped IS NOT NULL AND master_id <> %s FOR UPDATE",
                    (ring.current_id,))
        rows = cur.fetchall()
        for subject, master_id, wrapped in rows:
            key = ring.unwrap(subject, master_id, bytes(wrapped))
            new_id, new_wrapped = ring.wrap(subject, key)
            cur.execute(f"UPDATE {self.table} SET master_id = %s, wrapped = %s"
                        " WHERE subject = %s", (new_id, new_wrapped, subject))
        return len(rows)


# -- sealing event data ------------------------------------------------------------------


def _aad(subject: str, name: str) -> bytes:
    return f"{subject}\x00{name}".encode()


def _aead(key: bytes | AESGCM) -> AESGCM:
    return key if isinstance(key, AESGCM) else AESGCM(key)


def encrypt_value(key: bytes | AESGCM, subject: str, name: str, value: Any) -> str:
    nonce = os.urandom(12)
    plain = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    sealed = _aead(key).encrypt(nonce, plain, _aad(subject, name))
    return PREFIX + base64.b64encode(nonce + sealed).decode()


def decrypt_value(key: bytes | AESGCM, subject: str, name: str, token: str) -> Any:
    raw = base64.b64decode(token[len(PREFIX):])
    return json.loads(_aead(key).decrypt(raw[:12], raw[12:], _aad(subject, name)))


def is_sealed(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def seal(decl: Personal, subject: str | None, key: bytes | None,
         data: dict[str, Any]) -> dict[str, Any]:
    """`data` with its personal fields encrypted (or erased when the key is gone)."""
    if subject is None:
        return data
    out = dict(data)
    aead = AESGCM(key) if key is not None else None
    for name in decl.fields:
        value = out.get(name)
        if value is None:
            continue
        out[name] = (decl.erased_value(name) if aead is None
                     else encrypt_value(aead, subject, name, value))
    return out


def open_(decl: Personal, subject: str | None, key: bytes | None,
          data: dict[str, Any]) -> dict[str, Any]:
    """`data` with its personal fields in clear (or `ERASED`)."""
    if subject is None:
        return data
    out = dict(data)
    aead = AESGCM(key) if key is not None else None
    for name in decl.fields:
        value = out.get(name)
        if not is_sealed(value):
            continue
        out[name] = (decl.erased_value(name) if aead is None
                     else decrypt_value(aead, subject, name, str(value)))
    return out


def open_clear(stored: dict[str, Any], clear: dict[str, Any]) -> dict[str, Any]:
    """The appended event as a read will see it: `clear` where `stored` is sealed, the
    stored (erased) value elsewhere."""
    return {k: clear[k] if is_sealed(v) else v for k, v in stored.items()}
