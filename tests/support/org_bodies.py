"""Request bodies for org's commands, as the gateway's clients send them (shared by the
HTTP tests and the in-process county of tests/integration/org)."""

from __future__ import annotations

import uuid
from typing import Any


def unit_body(parent_id: str, kind: str = "branch", on: str = "2024-02-01",
              **overrides: Any) -> dict[str, Any]:
    """A unit under `parent_id` with what its kind requires (formation mode, industry)."""
    body: dict[str, Any] = {"name": f"{kind} {uuid.uuid4().hex[:6]}", "kind": kind,
                            "parent_id": parent_id, "on": on}
    if kind in ("branch", "general_branch"):
        body["formation_mode"] = "standalone"
    if kind == "joint_branch":
        body["formation_mode"] = "joint"
    if kind == "professional_committee":
        body["industry"] = "fruit"
    body.update(overrides)
    return body
