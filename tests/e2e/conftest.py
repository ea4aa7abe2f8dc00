"""The whole platform over HTTP and AMQP, started as `make run` starts it.

The instance comes from the environment (the Makefile's test instance by default:
port 8001, database coopleague_test, vhost coopleague_test, var/test). The platform is
restarted once per session so it runs the code under test.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path
from random import SystemRandom
from typing import Any

import pytest
import requests

from gateway import auth

ROOT = Path(__file__).resolve().parents[2]

TEST_INSTANCE = {
    "INSTANCE": "test",
    "VAR": str(ROOT / "var" / "test"),
    "DB_NAME": "coopleague_test",
    "AMQP_VHOST": "coopleague_test",
    "GATEWAY_PORT": "8001",
    "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/coopleague_test",
    "AMQP_URI": "amqp://guest:guest@127.0.0.1:5672/coopleague_test",
    "JWT_SECRET": "test-secret-not-for-production-0123456789abcdef",
    "TRACKING_TIMER_SECONDS": "1",
    "RELAY_POLL_SECONDS": "1",
    # schemathesis sends hundreds of bad-token probes from one address; the anonymous
    # budget has its own test with a small bucket (test_gateway_ratelimit.py)
    "ANON_RATE_LIMIT_PER_SECOND": "1000",
    "ANON_RATE_LIMIT_BURST": "5000",
}


def instance_env() -> dict[str, str]:
    env = dict(os.environ)
    for key, value in TEST_INSTANCE.items():
        env.setdefault(key, value)
    return env


class Api:
    """A small HTTP client for the gateway with tokens per department and role."""

    def __init__(self, base: str, secret: str) -> None:
        self.base = base
        self.secret = secret
        self.session = requests.Session()

    def token(self, department: str = "league_committee", role: str = "admin",
              unit: str | None = None, sub: str | None = None, ttl: int = 3600) -> str:
        return auth.issue(sub or f"{department}-{role}", department, role, unit, ttl,
                          key=self.secret)

    def request(self, method: str, path: str, *, token: str | None = None,
                json: Any = None, headers: dict[str, str] | None = None,
                **kw: Any) -> requests.Response:
        h = {"Authorization": f"Bearer {token or self.token()}", **(headers or {})}
        if token == "":
            h.pop("Authorization")
        return self.session.request(method, self.base + path, json=json, headers=h,
                                    timeout=30, **kw)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> requests.Response:
        return self.request("POST", path, json=json, **kw)

    def patch(self, path: str, json: Any = None, **kw: Any) -> requests.Response:
        return self.request("PATCH", path, json=json, **kw)

    def put(self, path: str, json: Any = None, **kw: Any) -> requests.Response:
        return self.request("PUT", path, json=json, **kw)

    def delete(self, path: str, **kw: Any) -> requests.Response:
        return self.request("DELETE", path, **kw)


_started: dict[str, str] | None = None


@pytest.fixture(scope="session")
def platform() -> dict[str, str]:
    # tests/browser uses this fixture too (imported into its conftest, a second definition
    # for pytest): the platform starts once per run all the same
    global _started
    if _started is not None:
        return _started
    env = instance_env()
    subprocess.run([str(ROOT / "deploy" / "platform.sh"), "stop"], env=env, check=True,
                   capture_output=True)
    started = subprocess.run([str(ROOT / "deploy" / "platform.sh"), "start"], env=env,
                             capture_output=True, text=True)
    assert started.returncode == 0, started.stderr[-3000:]
    _started = env
    return env


@pytest.fixture(scope="session")
def api(platform) -> Api:
    return Api(f"http://127.0.0.1:{platform['GATEWAY_PORT']}", platform["JWT_SECRET"])


def unique_uscc() -> str:
    from eventkit.identifiers import make_uscc

    body = uuid.uuid4().hex[:8].upper().replace("I", "1").replace("O", "0")
    body = "".join(c if c in "0123456789ABCDEFGHJKLMNPQRTUWXY" else "0" for c in body)
    return make_uscc("93", "371202", body)


def cooperative_body(**overrides: Any) -> dict[str, Any]:
    body = {"name": f"Coop {uuid.uuid4().hex[:6]}", "uscc": unique_uscc(), "chair": "Wang Fang",
            "township": "Dazhuang", "industry_category": "fruit", "product": "apple",
            "business_mode": "planting", "members": 40, "farmer_members": 38,
            "young_people_under_35": 12, "league_members": 4}
    body.update(overrides)
    return body


# Test data must not repeat across runs (the test database keeps what earlier runs stored),
# and test frameworks seed the global `random`: draw from the system's generator instead.
rng = SystemRandom()
