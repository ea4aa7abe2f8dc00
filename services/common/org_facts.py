"""What other services learn about cooperatives from org's events (a tracked projection).

Each consuming service keeps its own `known_cooperatives` table (its migration) and
registers these handlers on its tracked projector for source `org`.
"""

from __future__ import annotations

from typing import Any

from eventkit.projection import Projector

COOPERATIVE_FIELDS = ("uscc", "name", "township", "industry_category")


def aggregate_id(envelope: dict[str, Any]) -> str:
    return envelope["stream_id"].split("-", 1)[1]


def register_cooperative_handlers(projector: Projector) -> None:
    @projector.on("CooperativeRegistered")
    def _registered(cur, env: dict[str, Any]) -> None:
        d = env["data"]
        cur.execute(
            "INSERT INTO known_cooperatives (id, uscc, name, township, industry_category,"
            " org_position, learnt_at) VALUES (%s, %s, %s, %s, %s, %s, now())"
            " ON CONFLICT (id) DO NOTHING",
            (aggregate_id(env), d["uscc"], d["name"], d["township"], d["industry_category"],
             env["position"]),
        )

    @projector.on("CooperativeUpdated")
    def _updated(cur, env: dict[str, Any]) -> None:
        changes = {k: v for k, v in env["data"].items() if k in COOPERATIVE_FIELDS}
        if not changes:
            return
        sets = ", ".join(f"{k} = %s" for k in changes)
        cur.execute(
            f"UPDATE known_cooperatives SET {sets}, org_position = %s WHERE id = %s",
            (*changes.values(), env["position"], aggregate_id(env)),
        )


KNOWN_COOPERATIVES_COLUMNS = "id, uscc, name, township, industry_category, org_position"


def get_known_cooperative(cur, coop_id: str) -> dict[str, Any] | None:
    cur.execute(f"SELECT {KNOWN_COOPERATIVES_COLUMNS} FROM known_cooperatives WHERE id = %s",
                (coop_id,))
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip(KNOWN_COOPERATIVES_COLUMNS.split(", "), row, strict=True))
