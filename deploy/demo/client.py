"""The demo's HTTP client: the gateway of the running platform, an admin token."""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from typing import Any

import requests

from gateway import auth


class DemoError(RuntimeError):
    pass


class Client:
    def __init__(self, base: str | None = None) -> None:
        self.base = base or f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '8000')}"
        self.session = requests.Session()
        auth.ensure_secret_file()
        self.token = auth.issue("demo-loader", "league_committee", "admin", ttl=6 * 3600)

    def call(self, method: str, path: str, body: Any = None, *, key: str | None = None,
             expect: tuple[int, ...] = (200, 201, 202)) -> Any:
        """One request; `key` makes it idempotent, so re-running the demo is harmless."""
        headers = {"Authorization": f"Bearer {self.token}"}
        if method != "GET":
            key = key or uuid.uuid4().hex
            if not key.isascii():  # keys name Chinese townships and industries; headers are ASCII
                key = "demo-" + hashlib.sha1(key.encode()).hexdigest()
            headers["Idempotency-Key"] = key
        for _ in range(30):  # the gateway's rate limit: wait as told, then send again
            r = self.session.request(method, self.base + "/api/v1" + path, json=body,
                                     headers=headers, timeout=60)
            if r.status_code != 429:
                break
            time.sleep(float(r.headers.get("Retry-After", "1")))
        if r.status_code not in expect:
            raise DemoError(f"{method} {path} -> {r.status_code}: {r.text[:500]}")
        return r.json() if r.content else None

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def post(self, path: str, body: Any, key: str | None = None, **kw: Any) -> Any:
        return self.call("POST", path, body, key=key, **kw)
