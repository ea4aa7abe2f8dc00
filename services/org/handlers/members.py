"""Members: registration, roles, leaving, transfers, the annual evaluation, the 自行脱团
procedure and the over-age run (the timer calls `age_out_member` per candidate)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit.errors import NotFound
from eventkit.uow import Tx
from eventkit.validation import require_in_scope
from services.org.domain.evaluation import Evaluation, check_evaluating_unit, evaluation_id
from services.org.domain.member import Member
from services.org.domain.tree_rules import check_accepts_children
from services.org.domain.uniqueness import ensure_resident_id_free, normalized_resident_id
from services.org.handlers.base import (
    Context,
    cooperative_industries,
    member_in_scope,
    require_committee_approved,
    unit_facts,
    unit_in_scope,
)


def register_member(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """cmd: MemberIn. Registered today (the context's clock), in an active unit in scope."""
    facts = ctx.facts(tx)
    unit = unit_in_scope(facts, cmd["unit_id"], ctx, "unit_id")
    check_accepts_children(unit)
    require_committee_approved(facts, unit.committee_id)
    if cmd.get("cooperative_id"):
        cooperative_industries(facts, [cmd["cooperative_id"]], "cooperative_id")
    ensure_resident_id_free(facts.member_with_resident_id(
        normalized_resident_id(cmd["resident_id"])))
    member = tx.add(Member(ctx.new_id()))
    assert isinstance(member, Member)
    member.register(registered_on=ctx.clock.today(), **cmd)
    return {"id": member.id}


def assign_role(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """cmd: member_id, role, unit_id (None: the member's unit), start, end."""
    member = member_in_scope(tx, cmd["member_id"], ctx)
    unit_id = cmd["unit_id"] or member.unit_id
    check_accepts_children(unit_in_scope(ctx.facts(tx), unit_id, ctx, "unit_id"))
    member.assign_role(ctx.new_id(), cmd["role"], unit_id, cmd["start"], cmd["end"])
    return {"id": member.id}


def end_role(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    member = member_in_scope(tx, cmd["member_id"], ctx)
    if cmd["role_id"] not in member.roles:
        raise NotFound(f"role {cmd['role_id']} not found")
    member.end_role(cmd["role_id"], cmd["end"])
    return {"id": member.id}


def member_leave(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    member = member_in_scope(tx, cmd["member_id"], ctx)
    member.leave(cmd["on"], cmd["reason"])
    return {"id": member.id}


# -- annual evaluation, 自行脱团, over-age (issue 12) ---------------------------------------


def record_evaluation(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """cmd: unit_id (a branch in scope), year, on, grades {member_id: grade}."""
    facts = ctx.facts(tx)
    require_in_scope(cmd["unit_id"], ctx.scope)
    check_evaluating_unit(unit_facts(facts, cmd["unit_id"]).kind)
    members = facts.active_league_member_ids(cmd["unit_id"])
    round_ = tx.load(Evaluation, evaluation_id(cmd["unit_id"], cmd["year"]))
    round_.record(cmd["unit_id"], cmd["year"], cmd["on"], cmd["grades"], members,
                  ctx.policy.evaluation_excellent_max_percent)
    return {"id": round_.id}


def decide_self_lapse(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    member = member_in_scope(tx, cmd["member_id"], ctx)
    member.decide_self_lapse(cmd["decision"], cmd["on"], cmd["note"])
    return {"id": member.id}


def start_self_lapse(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """One batch of the 自行脱团 run. cmd: member_ids, as_of, last_dues {id: "YYYY-MM"},
    last_life {id: "YYYY-MM-DD"}; the policy's months. Answers the members whose procedure opened
    (the aggregate decides each one again on its own stream)."""
    months = ctx.policy.self_lapse_months
    started = []
    for member_id in cmd["member_ids"]:
        life = cmd["last_life"].get(member_id)
        if tx.get(Member, member_id, "member").start_self_lapse(
                cmd["as_of"], cmd["last_dues"].get(member_id),
                dt.date.fromisoformat(life) if life else None, months):
            started.append(member_id)
    return {"started": started}


def age_out_member(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """cmd: member_id, on. Idempotent: a member already out stays out (aged_out False)."""
    aged_out = tx.get(Member, cmd["member_id"], "member").age_out(cmd["on"])
    return {"id": cmd["member_id"], "aged_out": bool(aged_out)}
