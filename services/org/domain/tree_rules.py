"""Structural rules of the League tree, as pure functions of explicit inputs.

The service layer loads what a rule needs (the parent's facts, the ancestors of a new parent,
the industries of covered cooperatives) and passes it in; nothing here reads a store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eventkit.errors import InvalidInput, RuleViolation
from services.org.contract.enums import (  # noqa: F401 - the contract's enums
    UNIT_KINDS,
)

from .products import similar_products

BRANCH_KINDS: frozenset[str] = frozenset({"general_branch", "branch", "joint_branch"})

# Which kinds may sit directly under which. The working committee is the root.
ALLOWED_PARENTS: dict[str, frozenset[str]] = {
    "working_committee": frozenset(),
    "professional_committee": frozenset({"working_committee"}),
    "general_branch": frozenset({"working_committee", "professional_committee"}),
    "branch": frozenset({"working_committee", "professional_committee", "general_branch"}),
    "joint_branch": frozenset({"working_committee", "professional_committee", "general_branch"}),
    "league_group": BRANCH_KINDS,
    "youth_organization": frozenset(
        {"working_committee", "professional_committee", "general_branch", "branch", "joint_branch"}
    ),
}

# A merge moves members and children into the target, so the target must be able to hold them.
MERGE_TARGETS: dict[str, frozenset[str]] = {
    "working_committee": frozenset(),
    "professional_committee": frozenset({"professional_committee"}),
    "general_branch": frozenset({"general_branch"}),
    "branch": BRANCH_KINDS,
    "joint_branch": BRANCH_KINDS,
    "league_group": frozenset({"league_group"}),
    "youth_organization": frozenset({"youth_organization"}) | BRANCH_KINDS,
}

ACTIVE = "active"

# League constitution floors and the usual ceiling (DOMAIN.md, rules section).
BRANCH_MIN_MEMBERS = 3
GENERAL_BRANCH_MIN_MEMBERS = 30
BRANCH_MAX_MEMBERS = 50


@dataclass(frozen=True)
class UnitFacts:
    """What a rule needs to know about another unit (a parent or a merge target)."""

    id: str
    kind: str
    status: str = ACTIVE
    industry: str | None = None
    committee_id: str | None = None  # the working committee (root) the unit belongs to
    professional_committee_id: str | None = None  # the nearest one at or above the unit


def similar_industry(a: str | None, b: str | None) -> bool:
    """Same or similar product (issue 12): the same product category of `products.py`
    (apple and pear are both fruit), compared without case or surrounding spaces."""
    return similar_products(a, b)


def check_accepts_children(unit: UnitFacts) -> None:
    """A dissolved or merged unit takes no new members or children."""
    if unit.status != ACTIVE:
        raise RuleViolation(
            f"unit {unit.id} is {unit.status} and takes no new members or children",
            {"rule": "unit_not_active", "unit_id": unit.id, "unit_status": unit.status},
        )


def check_industries(
    kind: str, industry: str | None, parent: UnitFacts | None, coop_industries: Sequence[str]
) -> None:
    """A professional committee covers cooperatives of its own industry; so does anything
    placed directly under one."""
    ref: str | None = None
    if kind == "professional_committee":
        ref = industry
    elif parent is not None and parent.kind == "professional_committee":
        ref = parent.industry
    if ref is None:
        return
    odd = sorted({i for i in coop_industries if not similar_industry(i, ref)})
    if odd:
        raise RuleViolation(
            f"cooperatives of other industries ({', '.join(odd)}) under the {ref} committee",
            {"rule": "industry_mismatch", "industry": ref, "other_industries": odd},
        )


def check_placement(
    kind: str,
    parent: UnitFacts | None,
    industry: str | None = None,
    coop_industries: Sequence[str] = (),
) -> None:
    """Refuse a unit of `kind` under `parent` (None for a root) when the tree forbids it."""
    allowed = ALLOWED_PARENTS[kind]
    if parent is None:
        if allowed:
            raise RuleViolation(
                f"a {kind} needs a parent ({', '.join(sorted(allowed))})",
                {"rule": "parent_required", "allowed_parents": sorted(allowed)},
            )
    else:
        if parent.kind not in allowed:
            raise RuleViolation(
                f"a {kind} cannot be placed under a {parent.kind}",
                {
                    "rule": "parent_kind",
                    "parent_kind": parent.kind,
                    "allowed_parents": sorted(allowed),
                },
            )
        check_accepts_children(parent)
    check_industries(kind, industry, parent, coop_industries)


def check_no_cycle(
    unit_id: str, new_parent_id: str, new_parent_ancestor_ids: Sequence[str]
) -> None:
    """Moving `unit_id` under `new_parent_id` must not put it under itself or a descendant.

    `new_parent_ancestor_ids` are the ids from the new parent up to the root."""
    if new_parent_id == unit_id or unit_id in new_parent_ancestor_ids:
        raise RuleViolation(
            "a unit cannot be moved under itself or one of its descendants",
            {"rule": "cycle", "unit_id": unit_id, "parent_id": new_parent_id},
        )


def check_merge(
    source_id: str, source_kind: str, target: UnitFacts, target_ancestor_ids: Sequence[str]
) -> None:
    if target.id == source_id:
        raise RuleViolation("a unit cannot merge into itself", {"rule": "merge_self"})
    allowed = MERGE_TARGETS[source_kind]
    if target.kind not in allowed:
        raise RuleViolation(
            f"a {source_kind} cannot merge into a {target.kind}",
            {"rule": "merge_kind", "target_kind": target.kind, "allowed": sorted(allowed)},
        )
    check_accepts_children(target)
    if source_id in target_ancestor_ids:
        raise RuleViolation(
            "a unit cannot merge into one of its own descendants",
            {"rule": "cycle", "unit_id": source_id, "target_id": target.id},
        )


def dissolution_problems(active_children: int, active_members: int) -> list[str]:
    """A unit is dissolved only when nothing would be left orphaned under it."""
    problems = []
    if active_children:
        problems.append(f"{active_children} active child units")
    if active_members:
        problems.append(f"{active_members} active members")
    return problems


def size_warnings(kind: str, league_members: int) -> list[str]:
    """League constitution size rules, flagged not refused."""
    warnings: list[str] = []
    if kind in ("branch", "joint_branch"):
        if league_members < BRANCH_MIN_MEMBERS:
            warnings.append(
                f"a branch needs at least {BRANCH_MIN_MEMBERS} League members ({league_members})"
            )
        if league_members > BRANCH_MAX_MEMBERS:
            warnings.append(
                f"more than {BRANCH_MAX_MEMBERS} League members in one branch "
                f"({league_members}): consider splitting it"
            )
    elif kind == "general_branch" and league_members < GENERAL_BRANCH_MIN_MEMBERS:
        warnings.append(
            f"a general branch needs at least {GENERAL_BRANCH_MIN_MEMBERS} League members "
            f"({league_members})"
        )
    return warnings


def check_created_with_committee(kind: str) -> None:
    """The working committee (the root) is created with its committee, not as a unit."""
    if kind == "working_committee":
        raise InvalidInput.field(
            "kind", "the working committee is created with its committee (POST /committees)")


def check_same_committee(committee_id: str | None, other_committee_id: str | None) -> None:
    """Moves, merges and transfers stay within one working committee's tree."""
    if len({committee_id, other_committee_id} - {None}) != 1:
        raise RuleViolation("the units belong to different committees",
                            {"rule": "other_committee"})


def check_dissolvable(kind: str) -> None:
    """The root goes with its committee, never by a unit's dissolution."""
    if kind == "working_committee":
        raise RuleViolation("the working committee is not dissolved here", {"rule": "root"})
