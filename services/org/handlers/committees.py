"""Working committees: creation (with their root unit), establishment steps, member units,
leadership. A committee is in scope when its root unit (same id) is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventkit.errors import NotFound
from eventkit.uow import Tx
from services.org.domain.committee import Committee
from services.org.domain.uniqueness import ensure_county_code_free
from services.org.domain.unit import Unit
from services.org.handlers.base import Context, cooperative_industries

# Establishment steps: path segment -> Committee method.
STEP_METHODS: dict[str, str] = {
    "survey": "record_survey",
    "plan": "draft_plan",
    "coordination": "record_coordination",
    "preparatory-group": "form_preparatory_group",
    "establishment-request": "request_establishment",
    "approval": "approve_establishment",
    "founding-conference": "hold_founding_conference",
}
POSTS = ("secretary", "deputy_secretary", "committee_member")


def create_committee(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """cmd: name, county, county_code, on (the root unit's founding day)."""
    data = {k: v for k, v in cmd.items() if k != "on"}
    ensure_county_code_free(data["county_code"],
                            ctx.facts(tx).committee_with_county_code(data["county_code"]))
    cid = ctx.new_id()
    committee = tx.add(Committee(cid))
    assert isinstance(committee, Committee)
    committee.create(**data)
    root = tx.add(Unit(cid))
    assert isinstance(root, Unit)
    root.create(name=data["name"], kind="working_committee", parent=None, on=cmd["on"])
    return {"id": cid}


def _on_committee(tx: Tx, cmd: dict[str, Any], ctx: Context,
                  act: Callable[[Committee], Any]) -> dict[str, Any]:
    committee_id = cmd["committee_id"]
    if ctx.scope is not None and committee_id not in ctx.scope:
        raise NotFound(f"committee {committee_id} not found")
    act(tx.get(Committee, committee_id, "committee"))
    return {"id": committee_id}


def committee_step(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """cmd: committee_id, step (a path segment of STEP_METHODS), data (the step's fields)."""
    method = STEP_METHODS.get(cmd["step"])
    if method is None:
        raise NotFound(f"no establishment step {cmd['step']}")
    return _on_committee(tx, cmd, ctx, lambda c: getattr(c, method)(**cmd["data"]))


def add_member_unit(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return _on_committee(tx, cmd, ctx, lambda c: c.add_member_unit(
        ctx.new_id(), cmd["name"], cmd["department_type"]))


def remove_member_unit(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    def act(c: Committee) -> None:
        if cmd["member_unit_id"] not in c.member_units:
            raise NotFound(f"member unit {cmd['member_unit_id']} not found")
        c.remove_member_unit(cmd["member_unit_id"])

    return _on_committee(tx, cmd, ctx, act)


def appoint(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """cmd: committee_id, post, data (the appointment; a new person id when none given)."""
    post = cmd["post"]
    if post not in POSTS:
        raise NotFound(f"no leadership post {post}")
    data = {**cmd["data"], "person_id": cmd["data"].get("person_id") or ctx.new_id()}

    def act(c: Committee) -> None:
        if post == "committee_member" and data.get("cooperative_id"):
            cooperative_industries(ctx.facts(tx), [data["cooperative_id"]], "cooperative_id")
        getattr(c, f"appoint_{post}")(**data)

    return _on_committee(tx, cmd, ctx, act)


def remove_leader(tx: Tx, cmd: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """cmd: committee_id, post, person_id, on."""
    if cmd["post"] not in POSTS:
        raise NotFound(f"no leadership post {cmd['post']}")
    return _on_committee(tx, cmd, ctx, lambda c: getattr(c, f"remove_{cmd['post']}")(
        cmd["person_id"], cmd["on"]))
