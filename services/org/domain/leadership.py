"""The committee's leadership and approval rules (one secretary, 7-9 deputies from distinct
member units, committee members from the seed's sources) and its agenda items."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eventkit.errors import RuleViolation
from services.org.contract.enums import (  # noqa: F401 - the contract's enums
    AGENDA_ITEM_KINDS,
    COMMITTEE_MEMBER_SOURCES,
    DEPARTMENT_TYPES,
    ORGANIZATION_LEVELS,
)

from . import values as v

MIN_DEPUTY_SECRETARIES = 7
MAX_DEPUTY_SECRETARIES = 9
# Seed 二.2: "设委员若干名" — approval needs at least this many committee members, each from one
# of COMMITTEE_MEMBER_SOURCES (the source is checked on appointment).
MIN_COMMITTEE_MEMBERS = 1


def leadership_problems_of(
    secretary_count: int,
    deputy_member_units: Sequence[str],
    member_unit_ids: Sequence[str] | set[str],
) -> list[str]:
    """Why a leadership breaks the rules (empty when it does not).

    `deputy_member_units` lists the member unit of each deputy secretary, one entry each.
    """
    problems: list[str] = []
    if secretary_count != 1:
        problems.append(f"exactly one secretary is required, {secretary_count} appointed")
    n = len(deputy_member_units)
    if not MIN_DEPUTY_SECRETARIES <= n <= MAX_DEPUTY_SECRETARIES:
        problems.append(
            f"{MIN_DEPUTY_SECRETARIES}-{MAX_DEPUTY_SECRETARIES} deputy secretaries are "
            f"required, {n} appointed"
        )
    seen: set[str] = set()
    for unit_id in deputy_member_units:
        if unit_id in seen:
            problems.append(f"member unit {unit_id} has more than one deputy secretary")
        seen.add(unit_id)
        if unit_id not in member_unit_ids:
            problems.append(f"deputy secretary from {unit_id}, which is not a member unit")
    return problems


def approval_problems_of(
    secretary_count: int,
    deputy_member_units: Sequence[str],
    member_unit_ids: Sequence[str] | set[str],
    committee_member_sources: Sequence[str],
) -> list[str]:
    """Why the county League committee may not approve yet: the leadership rules plus
    committee members (委员) from the seed's three sources."""
    problems = leadership_problems_of(secretary_count, deputy_member_units, member_unit_ids)
    eligible = [s for s in committee_member_sources if s in COMMITTEE_MEMBER_SOURCES]
    if len(eligible) < MIN_COMMITTEE_MEMBERS:
        problems.append(
            f"at least {MIN_COMMITTEE_MEMBERS} committee member (委员) from "
            f"{', '.join(COMMITTEE_MEMBER_SOURCES)} is required, {len(eligible)} appointed"
        )
    return problems


def check_accepts_units(due_step: str | None, established: bool) -> None:
    """Seed 二.4: nothing is attached under a working committee before the county League
    committee's approval (批复); the 409 names the step still due."""
    if not established:
        raise RuleViolation(
            "the working committee is not approved yet (团县委批复); nothing is attached under "
            f"it before that; the due step is {due_step}",
            {"rule": "committee_not_approved", "due_step": due_step},
        )


def _agenda_item(raw: Mapping[str, Any]) -> dict[str, Any]:
    kind = v.choice("agenda_items.kind", raw.get("kind"), AGENDA_ITEM_KINDS)
    item: dict[str, Any] = {
        "kind": kind,
        "title": v.optional_text("agenda_items.title", raw.get("title")),
    }
    if kind == "bank_credit_signing":
        item["bank"] = v.text("agenda_items.bank", raw.get("bank"))
        amount = raw.get("credit_amount_fen")
        item["credit_amount_fen"] = (
            None if amount is None else v.count("agenda_items.credit_amount_fen", amount)
        )
    return item
