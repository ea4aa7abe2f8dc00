"""org's own read models, updated in the command's transaction (and on rebuild)."""

from __future__ import annotations

from typing import Any

from eventkit.projection import Projector

projector = Projector("org", tables=["cooperatives"])

COOP_COLUMNS = (
    "uscc", "name", "chair", "township", "industry_category", "product", "business_mode",
    "members", "farmer_members", "young_people_under_35", "league_members",
    "party_org_present", "league_org_present", "supply_coop_relation",
)


def _id(env: dict[str, Any]) -> str:
    return env["stream_id"].split("-", 1)[1]


@projector.on("CooperativeRegistered")
def cooperative_registered(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cols = ", ".join(COOP_COLUMNS)
    marks = ", ".join(["%s"] * len(COOP_COLUMNS))
    cur.execute(
        f"INSERT INTO cooperatives (id, {cols}, registered_at, updated_at, version)"
        f" VALUES (%s, {marks}, %s, %s, %s)",
        (_id(env), *(d[c] for c in COOP_COLUMNS), env["occurred_at"], env["occurred_at"],
         env["version"]),
    )


@projector.on("CooperativeUpdated")
def cooperative_updated(cur, env: dict[str, Any]) -> None:
    changes = {k: v for k, v in env["data"].items() if k in COOP_COLUMNS}
    sets = "".join(f"{k} = %s, " for k in changes)
    cur.execute(
        f"UPDATE cooperatives SET {sets}updated_at = %s, version = %s WHERE id = %s",
        (*changes.values(), env["occurred_at"], env["version"], _id(env)),
    )
