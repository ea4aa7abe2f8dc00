"""Helpers shared by the org service's RPC mixins."""

from __future__ import annotations

from typing import Any

from eventkit import config, logs
from eventkit.nameko_ext import jsonable
from services.org import queries as q
from services.org.contract import schemas
from services.org.domain.cooperative import figure_warnings
from services.org.projections import COOP_COLUMNS

log = logs.get("org")


COOP_SELECT = (
    "SELECT id, " + ", ".join(COOP_COLUMNS) + ", registered_at, updated_at, version"
    " FROM cooperatives"
)


COOP_KEYS = ["id", *COOP_COLUMNS, "registered_at", "updated_at", "version"]


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


def _coop_row(row) -> dict[str, Any]:
    coop = jsonable(dict(zip(COOP_KEYS, row, strict=True)))
    coop["warnings"] = figure_warnings(coop)
    return coop


def _load_coop(cur, coop_id: str) -> dict[str, Any] | None:
    cur.execute(COOP_SELECT + " WHERE id = %s", (coop_id,))
    row = cur.fetchone()
    if row is None:
        return None
    coop = _coop_row(row)
    coop["covering_unit_ids"] = q.covering_units(cur, coop_id)
    cur.execute(f"SELECT {q.HAS_LEAGUE_ORG} FROM cooperatives c WHERE c.id = %s",
                (q.LEAGUE_ORG_KINDS, coop_id))
    coop["has_league_org"] = cur.fetchone()[0]
    return coop


def _prune(node: dict[str, Any], visible: set[str]) -> None:
    node["children"] = [c for c in node["children"] if c["id"] in visible]
    for child in node["children"]:
        _prune(child, visible)
