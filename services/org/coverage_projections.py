"""Keeps the cooperatives' coverage (`coverage.py`) in step with the tree and the members, on
org's projector: in the command's transaction, and again on rebuild.

What can change a cooperative's row, and what each event refreshes (one statement, after
the lock):
- a unit covering it appears, changes its cooperatives, is merged or dissolved
  (`UnitCreated` with cooperatives, `UnitCoverageChanged`, `UnitMergedInto`, `UnitDissolved`):
  the unit's cooperatives, before and after;
- the League members counted under a League organization change: a League member registered,
  transferred, reassigned by a merge, leaving or over age (`MemberRegistered`,
  `TransferApproved`, `MemberReassigned`, `MemberLeft`, `MemberAgedOut`), or a subtree moved
  (`UnitMoved`): the cooperatives of the League organizations at most two levels above the
  units concerned.
Nothing else does: a cooperative is registered with no covering unit (units name registered
cooperatives only), `league_org_present` and the policy's floor are applied when reading,
members' kinds never change, and an erasure blanks personal values, not a member's unit,
kind or status. A young person's events take no lock and run no refresh.

The tree events lock before the tree's own handlers write (`register_locks`, first on the
projector): a merge holds the lock while it moves its children, whose handler updates rows
below them; a command on one of those rows must not hold it while it waits for the lock.
"""

from __future__ import annotations

from typing import Any

from eventkit.projection import Projector, aggregate_id
from services.org import coverage

TREE_EVENTS = ("UnitCreated", "UnitMoved", "UnitCoverageChanged", "UnitMergedInto",
               "UnitDissolved")


def lock_tree_event(cur, env: dict[str, Any]) -> None:
    if env["type"] != "UnitCreated" or env["data"]["cooperative_ids"]:
        coverage.lock(cur)


def unit_created(cur, env: dict[str, Any]) -> None:
    # a new unit has no members yet: only the cooperatives it covers change
    if env["data"]["cooperative_ids"]:
        coverage.refresh_unit(cur, aggregate_id(env))


def unit_coverage_changed(cur, env: dict[str, Any]) -> None:
    coverage.refresh_unit(cur, aggregate_id(env), listed=True)


def unit_ended(cur, env: dict[str, Any]) -> None:
    coverage.refresh_unit(cur, aggregate_id(env))


def unit_moved(cur, env: dict[str, Any]) -> None:
    # the moved unit's own count stays; its old and new parents' and grandparents' change
    d = env["data"]
    coverage.refresh_counts(cur, [u for u in (d["from_parent_id"], d["to_parent_id"]) if u],
                            levels=1)


def member_registered(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    if d["kind"] == "league_member":
        coverage.lock(cur)
        coverage.refresh_counts(cur, [d["unit_id"]], levels=2)


def member_moved(cur, env: dict[str, Any]) -> None:
    """TransferApproved, MemberReassigned: counted under both places."""
    d = env["data"]
    if coverage.lock_for_league_member(cur, aggregate_id(env)) is not None:
        coverage.refresh_counts(cur, [d["from_unit_id"], d["to_unit_id"]], levels=2)


def member_gone(cur, env: dict[str, Any]) -> None:
    """MemberLeft, MemberAgedOut (a v1 event names no unit: the member's row does)."""
    unit_id = coverage.lock_for_league_member(cur, aggregate_id(env))
    if unit_id is not None:
        coverage.refresh_counts(cur, [unit_id], levels=2)


def register_locks(projector: Projector) -> None:
    """Before the tree's own handlers (call right after creating the projector)."""
    projector.on(*TREE_EVENTS)(lock_tree_event)


def register_refreshes(projector: Projector) -> None:
    """After every read-model handler (call once they are registered)."""
    projector.on("UnitCreated")(unit_created)
    projector.on("UnitCoverageChanged")(unit_coverage_changed)
    projector.on("UnitMergedInto", "UnitDissolved")(unit_ended)
    projector.on("UnitMoved")(unit_moved)
    projector.on("MemberRegistered")(member_registered)
    projector.on("TransferApproved", "MemberReassigned")(member_moved)
    projector.on("MemberLeft", "MemberAgedOut")(member_gone)
