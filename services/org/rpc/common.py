"""Helpers shared by the org service's RPC mixins."""

from __future__ import annotations

from typing import Any

from eventkit import config, logs
from services.org.contract import schemas

log = logs.get("org")


AGE_OUT_INTERVAL = config.env_float("ORG_AGE_OUT_INTERVAL_SECONDS", 3600.0)


# Establishment steps over the API: path segment -> request schema (the Committee method
# each runs: handlers.committees.STEP_METHODS).
STEPS: dict[str, type] = {
    "survey": schemas.SurveyIn,
    "plan": schemas.PlanIn,
    "coordination": schemas.CoordinationIn,
    "preparatory-group": schemas.PreparatoryGroupIn,
    "establishment-request": schemas.DatedIn,
    "approval": schemas.ApprovalIn,
    "founding-conference": schemas.FoundingConferenceIn,
}


def _prune(node: dict[str, Any], visible: set[str]) -> None:
    node["children"] = [c for c in node["children"] if c["id"] in visible]
    for child in node["children"]:
        _prune(child, visible)
