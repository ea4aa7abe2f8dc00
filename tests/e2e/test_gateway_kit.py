"""Helpers for the gateway's e2e tests (no tests here): a small tree, tokens, service heads."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import requests

from eventkit.identifiers import make_resident_id
from tests.e2e.conftest import cooperative_body
from tests.e2e.conftest import rng as random
from tests.e2e.test_org_kit import establish

SERVICES = ("org", "activities", "funding", "assessment")


def heads(api) -> dict[str, int]:
    """Each service's event-store head (GET /health): unchanged means nothing was written."""
    r = requests.get(api.base + "/health", timeout=10)
    assert r.status_code == 200, r.text
    return {name: state["head"] for name, state in r.json()["services"].items()}


def committee(api) -> dict[str, Any]:
    r = api.post("/api/v1/committees", {
        "name": f"Working committee {uuid.uuid4().hex[:6]}", "county": "Laiwu",
        "county_code": f"{random.randint(110000, 659999)}", "on": "2024-01-02"})
    assert r.status_code == 201, r.text
    return establish(api, r.json()["id"])  # issue 12: units only under an approved one


def unit(api, parent_id: str, kind: str = "branch") -> dict[str, Any]:
    body: dict[str, Any] = {"name": f"{kind} {uuid.uuid4().hex[:6]}", "kind": kind,
                            "parent_id": parent_id, "on": "2024-02-01"}
    if kind in ("branch", "general_branch"):
        body["formation_mode"] = "standalone"
    r = api.post("/api/v1/units", body)
    assert r.status_code == 201, r.text
    return r.json()


def member(api, unit_id: str, **overrides: Any) -> dict[str, Any]:
    today = dt.date.today()
    born = dt.date(today.year - 22, 3, 1)
    seq = random.randint(0, 99) * 10 + random.choice([1, 3, 5, 7, 9])
    body = {"kind": "league_member", "name": f"Li {uuid.uuid4().hex[:4]}", "ethnicity": "Han",
            "resident_id": make_resident_id(f"{random.randint(110000, 659999)}", born,
                                            f"{seq:03d}"),
            "phone": "13812345678", "unit_id": unit_id,
            "join_date": dt.date(today.year - 7, 5, 4).isoformat()}
    body.update(overrides)
    r = api.post("/api/v1/members", body)
    assert r.status_code == 201, r.text
    return r.json()


def cooperative(api, **overrides: Any) -> dict[str, Any]:
    r = api.post("/api/v1/cooperatives", cooperative_body(**overrides))
    assert r.status_code == 201, r.text
    return r.json()


def tree(api) -> dict[str, Any]:
    """A committee with units A and B under its root, a member in each (and a cooperative)."""
    c = committee(api)
    root = c["root_unit_id"]
    a, b = unit(api, root), unit(api, root)
    return {"committee": c, "root": root, "a": a["id"], "b": b["id"],
            "member_a": member(api, a["id"]), "member_b": member(api, b["id"])}


def pid_file(platform: dict[str, str], name: str):
    from pathlib import Path

    return Path(platform["VAR"]) / "run" / f"{name}.pid"


def stop_process(platform: dict[str, str], name: str) -> None:
    """Stop one process of the test instance (by its pid file), as `make stop` would."""
    import os
    import signal

    from tests.conftest import wait_until

    path = pid_file(platform, name)
    pid = int(path.read_text())
    os.kill(pid, signal.SIGTERM)

    def gone() -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        # a zombie of the runner counts as gone
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().split()[2] == "Z"
        except FileNotFoundError:
            return True
        return False

    wait_until(gone, timeout=30, message=f"{name} to stop")
    path.unlink(missing_ok=True)


def start_missing(platform: dict[str, str], **overrides: str) -> None:
    """`deploy/platform.sh start`: starts what is not running, waits for /health."""
    import subprocess

    from tests.e2e.conftest import ROOT

    env = {**platform, **overrides}
    done = subprocess.run([str(ROOT / "deploy" / "platform.sh"), "start"], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
