"""Where the org policy numbers come from: the versions in `domain/policy.py` plus a
deployment's `ORG_POLICY_OVERRIDES` (a JSON list of versions, each changing some numbers)."""

from __future__ import annotations

import json
import os

from services.org.domain.policy import VERSIONS, OrgPolicy, policy_on, with_overrides


def versions() -> tuple[OrgPolicy, ...]:
    raw = os.environ.get("ORG_POLICY_OVERRIDES", "").strip()
    return with_overrides(json.loads(raw)) if raw else VERSIONS


def current_policy() -> OrgPolicy:
    import datetime as dt
    from zoneinfo import ZoneInfo

    return policy_on(dt.datetime.now(ZoneInfo("Asia/Shanghai")).date(), versions())
