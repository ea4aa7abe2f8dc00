"""Facts funding learns from other services' events (tracked projections).

From org: cooperatives (eventkit.known over org's contract fields), units (for unit scope,
funds and the unit of a cooperative beneficiary) and members (for dues). Every handler is
idempotent per row.
"""

from __future__ import annotations

from typing import Any

from eventkit.identifiers import ERASED
from eventkit.known import KnownTable
from eventkit.people import on_erasure, scrub_columns
from eventkit.projection import Projector, aggregate_id
from services.org.contract.events import COOPERATIVE_EVENTS, COOPERATIVE_FIELDS

from_org = Projector(
    "funding.from.org",
    tables=["known_cooperatives", "known_units", "unit_cooperatives", "known_members"],
)
# -- cooperatives (this service's own copy of org's facts: fields from org's contract, the
# SQL from the kernel's KnownTable) ---------------------------------------------------------
known_cooperatives = KnownTable("known_cooperatives", COOPERATIVE_FIELDS, "org_position")
known_cooperatives.track(from_org, *COOPERATIVE_EVENTS)


# ---- units ------------------------------------------------------------------------------
def _set_coverage(cur, unit_id: str, cooperative_ids: list[str]) -> None:
    cur.execute("DELETE FROM unit_cooperatives WHERE unit_id = %s", (unit_id,))
    for coop in cooperative_ids:
        cur.execute("INSERT INTO unit_cooperatives (unit_id, cooperative_id) VALUES (%s, %s)"
                    " ON CONFLICT DO NOTHING", (unit_id, coop))


@from_org.on("UnitCreated")
def _unit_created(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    unit = aggregate_id(env)
    cur.execute(
        "INSERT INTO known_units (id, name, kind, parent_id, township, org_position)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
        (unit, d["name"], d["kind"], d.get("parent_id"), d.get("township"), env["position"]),
    )
    _set_coverage(cur, unit, d.get("cooperative_ids") or [])


def _update_unit(cur, env: dict[str, Any], **values: Any) -> None:
    sets = "".join(f"{k} = %s, " for k in values)
    cur.execute(f"UPDATE known_units SET {sets}org_position = %s WHERE id = %s",
                (*values.values(), env["position"], aggregate_id(env)))


@from_org.on("UnitRenamed")
def _unit_renamed(cur, env: dict[str, Any]) -> None:
    _update_unit(cur, env, name=env["data"]["name"])


@from_org.on("UnitMoved")
def _unit_moved(cur, env: dict[str, Any]) -> None:
    _update_unit(cur, env, parent_id=env["data"]["to_parent_id"])


@from_org.on("UnitManagementChanged")
def _unit_management_changed(cur, env: dict[str, Any]) -> None:
    _update_unit(cur, env, township=env["data"].get("township"))


@from_org.on("UnitCoverageChanged")
def _unit_coverage_changed(cur, env: dict[str, Any]) -> None:
    _set_coverage(cur, aggregate_id(env), env["data"].get("cooperative_ids") or [])


@from_org.on("UnitMergedInto")
def _unit_merged(cur, env: dict[str, Any]) -> None:
    _update_unit(cur, env, status="merged")


@from_org.on("UnitDissolved")
def _unit_dissolved(cur, env: dict[str, Any]) -> None:
    _update_unit(cur, env, status="dissolved")


# ---- members ----------------------------------------------------------------------------
@from_org.on("MemberRegistered")
def _member_registered(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO known_members (id, name, kind, unit_id, birth_date, org_position)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
        (aggregate_id(env), d["name"], d["kind"], d["unit_id"], d.get("birth_date"),
         env["position"]),
    )


def _update_member(cur, env: dict[str, Any], **values: Any) -> None:
    sets = "".join(f"{k} = %s, " for k in values)
    cur.execute(f"UPDATE known_members SET {sets}org_position = %s WHERE id = %s",
                (*values.values(), env["position"], aggregate_id(env)))


@from_org.on("TransferApproved", "MemberReassigned")
def _member_moved(cur, env: dict[str, Any]) -> None:
    _update_member(cur, env, unit_id=env["data"]["to_unit_id"])


@from_org.on("MemberAgedOut")
def _member_aged_out(cur, env: dict[str, Any]) -> None:
    _update_member(cur, env, status="aged_out")


@from_org.on("MemberLeft")
def _member_left(cur, env: dict[str, Any]) -> None:
    _update_member(cur, env, status="left")


TRACKED = {"org": from_org}


# -- personal information (eventkit/people.py) ---------------------------------------------


def _scrub_person(cur, person_id: str) -> None:
    """org's PersonErased: this service's key of the person is destroyed (so its own events
    read 已删除, in a rebuild too) and the person's values in its read models overwritten."""
    scrub_columns(cur, "known_members", "id", person_id, {"name": ERASED, "birth_date": None})
    # a young entrepreneur (致富骨干): org knows their id from EntrepreneurRegistered; the keyed
    # hash of the ID number (id_key) stays, pseudonymous as in the event (not_personal)
    scrub_columns(cur, "credit_entrepreneurs", "id", person_id,
                  {"name": ERASED, "id_last4": ERASED, "birth_date": None, "phone": ERASED})


on_erasure(from_org, "funding", _scrub_person)
