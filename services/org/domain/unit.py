"""A unit of the League tree (working committee down to League group and youth organization).

Facts about other units (parent, merge target, ancestors) and the industries of covered
cooperatives are passed in by the service layer; `tree_rules` decides. A merge is recorded on
the merged unit only: the service layer then moves its members (Member.reassign) and its
children (Unit.move) to the target. Every event carries `on`, the date it took effect, so the
tree can be rebuilt as it stood on any date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, RuleViolation
from services.org.contract.enums import (  # noqa: F401 - the contract's enums
    FORMATION_MODES,
    GROUP_FUNCTIONS,
    JOINT_MODES,
    MANAGEMENTS,
)

from . import tree_rules as rules
from . import values as v
from .tree_rules import UNIT_KINDS, UnitFacts


def _formation_mode(kind: str, mode: str | None) -> str | None:
    if kind in rules.BRANCH_KINDS and mode is None:
        raise InvalidInput.field("formation_mode", f"is required for a {kind}")
    if mode is None:
        return None
    if kind not in rules.BRANCH_KINDS and kind != "youth_organization":
        raise InvalidInput.field("formation_mode", f"does not apply to a {kind}")
    mode = v.choice("formation_mode", mode, FORMATION_MODES)
    if kind == "joint_branch" and mode != "joint":
        raise InvalidInput.field("formation_mode", "a joint branch is formed jointly")
    if kind == "branch" and mode == "joint":
        raise InvalidInput.field("formation_mode", "a jointly formed branch is a joint_branch")
    return mode


def _management(
    kind: str, management: str, township: str | None, joint_mode: str | None
) -> dict[str, Any]:
    management = v.choice("management", management, MANAGEMENTS)
    if management == "direct":
        if joint_mode is not None:
            raise InvalidInput.field("joint_mode", "only for units managed by a township")
        return {
            "management": "direct",
            "township": v.optional_text("township", township),
            "joint_mode": None,
        }
    if kind in ("working_committee", "professional_committee"):
        raise InvalidInput.field("management", f"a {kind} is not managed by a township")
    return {
        "management": "township",
        "township": v.text("township", township),
        "joint_mode": v.choice("joint_mode", joint_mode, JOINT_MODES),
    }


def _group_functions(kind: str, functions: Sequence[str]) -> list[str]:
    chosen = [v.choice("group_functions", f, GROUP_FUNCTIONS) for f in functions]
    if chosen and kind != "league_group":
        raise InvalidInput.field("group_functions", "only a League group has group functions")
    return list(dict.fromkeys(chosen))


def _professional_committee(unit_id: str, kind: str, parent: UnitFacts | None) -> str | None:
    """The nearest professional committee at or above a unit of `kind` under `parent`."""
    if kind == "professional_committee":
        return unit_id
    if parent is None:
        return None
    if parent.kind == "professional_committee":
        return parent.id
    return parent.professional_committee_id


def _ids(name: str, ids: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(v.text(name, i) for i in ids))


class Unit(Aggregate):
    stream_prefix = "unit"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.name = ""
        self.kind = ""
        self.parent_id: str | None = None
        self.committee_id: str | None = None
        self.professional_committee_id: str | None = None
        self.formation_mode: str | None = None
        self.industry: str | None = None
        self.cooperative_ids: list[str] = []
        self.management = "direct"
        self.township: str | None = None
        self.joint_mode: str | None = None
        self.group_functions: list[str] = []
        self.founded_on: dt.date | None = None
        self.status = "active"
        self.merged_into: str | None = None
        self.ended_on: dt.date | None = None
        self.dissolution_reason: str | None = None
        self.last_election_on: dt.date | None = None
        self.term_years: int | None = None

    def facts(self) -> UnitFacts:
        return UnitFacts(self.id, self.kind, self.status, self.industry, self.committee_id,
                         self.professional_committee_id)


    def size_warnings(self, league_members: int) -> list[str]:
        return rules.size_warnings(self.kind, league_members)

    def _require_active(self) -> None:
        v.require_created(self.exists, "unit", self.id)
        if self.status != "active":
            raise RuleViolation(
                f"unit is {self.status}", {"rule": "unit_not_active", "unit_status": self.status}
            )

    def _check_date(self, on: dt.date) -> str:
        v.day("on", on)
        if self.founded_on is not None and on < self.founded_on:
            raise InvalidInput.field("on", "is before the unit was founded")
        return on.isoformat()

    def create(
        self,
        *,
        name: str,
        kind: str,
        parent: UnitFacts | None,
        on: dt.date,
        formation_mode: str | None = None,
        industry: str | None = None,
        cooperative_ids: Sequence[str] = (),
        cooperative_industries: Sequence[str] = (),
        management: str = "direct",
        township: str | None = None,
        joint_mode: str | None = None,
        group_functions: Sequence[str] = (),
    ) -> None:
        """`parent`: facts of the parent unit (None only for the working committee);
        `cooperative_industries`: the industry category of each covered cooperative."""
        if self.exists:
            raise RuleViolation("unit already exists", {"id": self.id})
        kind = v.choice("kind", kind, UNIT_KINDS)
        industry = v.optional_text("industry", industry)
        if kind == "professional_committee" and industry is None:
            raise InvalidInput.field("industry", "a professional committee serves one industry")
        data: dict[str, Any] = {
            "name": v.text("name", name),
            "kind": kind,
            "parent_id": parent.id if parent is not None else None,
            "formation_mode": _formation_mode(kind, formation_mode),
            "industry": industry,
            "cooperative_ids": _ids("cooperative_ids", cooperative_ids),
            **_management(kind, management, township, joint_mode),
            "group_functions": _group_functions(kind, group_functions),
            "on": v.day("on", on).isoformat(),
            # For consumers: where the unit sits, without walking the tree (v2).
            "committee_id": parent.committee_id if parent is not None else self.id,
            "professional_committee_id": _professional_committee(self.id, kind, parent),
        }
        rules.check_placement(kind, parent, industry, cooperative_industries)
        self._record("UnitCreated", data)

    def _on_unit_created(self, data: dict[str, Any]) -> None:
        self.name = data["name"]
        self.kind = data["kind"]
        self.parent_id = data["parent_id"]
        self.formation_mode = data["formation_mode"]
        self.industry = data["industry"]
        self.cooperative_ids = list(data["cooperative_ids"])
        self.management = data["management"]
        self.township = data["township"]
        self.joint_mode = data["joint_mode"]
        self.group_functions = list(data["group_functions"])
        self.founded_on = v.parse_req(data["on"])
        self.committee_id = data["committee_id"]
        self.professional_committee_id = data["professional_committee_id"]

    def rename(self, name: str, on: dt.date) -> bool:
        self._require_active()
        name = v.text("name", name)
        when = self._check_date(on)
        if name == self.name:
            return False
        self._record("UnitRenamed", {"name": name, "on": when})
        return True

    def _on_unit_renamed(self, data: dict[str, Any]) -> None:
        self.name = data["name"]

    def move(
        self,
        new_parent: UnitFacts,
        new_parent_ancestor_ids: Sequence[str],
        on: dt.date,
        cooperative_industries: Sequence[str] = (),
    ) -> None:
        """`new_parent_ancestor_ids`: ids from the new parent's parent up to the root."""
        self._require_active()
        when = self._check_date(on)
        if new_parent.id == self.parent_id:
            raise InvalidInput.field("parent_id", "the unit is already there")
        rules.check_no_cycle(self.id, new_parent.id, new_parent_ancestor_ids)
        rules.check_placement(self.kind, new_parent, self.industry, cooperative_industries)
        self._record(
            "UnitMoved",
            {
                "from_parent_id": self.parent_id,
                "to_parent_id": new_parent.id,
                "on": when,
                "professional_committee_id": _professional_committee(
                    self.id, self.kind, new_parent
                ),
            },
        )

    def _on_unit_moved(self, data: dict[str, Any]) -> None:
        self.parent_id = data["to_parent_id"]
        if self.kind != "professional_committee":  # one keeps its own id wherever it goes
            self.professional_committee_id = data["professional_committee_id"]

    def change_coverage(
        self,
        cooperative_ids: Sequence[str],
        cooperative_industries: Sequence[str],
        parent: UnitFacts | None,
        on: dt.date,
    ) -> bool:
        """Replace the covered cooperatives; `parent` is needed for the industry rule."""
        self._require_active()
        when = self._check_date(on)
        ids = _ids("cooperative_ids", cooperative_ids)
        if ids == self.cooperative_ids:
            return False
        rules.check_industries(self.kind, self.industry, parent, cooperative_industries)
        self._record("UnitCoverageChanged", {"cooperative_ids": ids, "on": when})
        return True

    def _on_unit_coverage_changed(self, data: dict[str, Any]) -> None:
        self.cooperative_ids = list(data["cooperative_ids"])

    def change_management(
        self,
        management: str,
        on: dt.date,
        township: str | None = None,
        joint_mode: str | None = None,
    ) -> None:
        self._require_active()
        when = self._check_date(on)
        data = _management(self.kind, management, township, joint_mode)
        self._record("UnitManagementChanged", {**data, "on": when})

    def _on_unit_management_changed(self, data: dict[str, Any]) -> None:
        self.management = data["management"]
        self.township = data["township"]
        self.joint_mode = data["joint_mode"]

    def set_group_functions(self, functions: Sequence[str], on: dt.date) -> None:
        self._require_active()
        when = self._check_date(on)
        if self.kind != "league_group":
            raise InvalidInput.field("group_functions", "only a League group has group functions")
        self._record(
            "UnitGroupFunctionsSet",
            {"group_functions": _group_functions(self.kind, functions), "on": when},
        )

    def _on_unit_group_functions_set(self, data: dict[str, Any]) -> None:
        self.group_functions = list(data["group_functions"])

    def merge_into(
        self, target: UnitFacts, target_ancestor_ids: Sequence[str], on: dt.date
    ) -> None:
        """`target_ancestor_ids`: ids from the target's parent up to the root."""
        self._require_active()
        when = self._check_date(on)
        rules.check_merge(self.id, self.kind, target, target_ancestor_ids)
        self._record("UnitMergedInto", {"target_unit_id": target.id, "on": when})

    def _on_unit_merged_into(self, data: dict[str, Any]) -> None:
        self.status = "merged"
        self.merged_into = data["target_unit_id"]
        self.ended_on = v.parse_req(data["on"])

    def dissolve(self, reason: str, on: dt.date, active_children: int, active_members: int) -> None:
        """Counts of active child units and active members, loaded by the service layer."""
        self._require_active()
        reason = v.text("reason", reason, max_len=2000)
        when = self._check_date(on)
        problems = rules.dissolution_problems(
            v.count("active_children", active_children), v.count("active_members", active_members)
        )
        if problems:
            raise RuleViolation(
                "move or merge what is under the unit first: " + ", ".join(problems),
                {"rule": "not_empty", "reasons": problems},
            )
        self._record("UnitDissolved", {"reason": reason, "on": when})

    def _on_unit_dissolved(self, data: dict[str, Any]) -> None:
        self.status = "dissolved"
        self.dissolution_reason = data["reason"]
        self.ended_on = v.parse_req(data["on"])

    # ---- branch committee terms (issue 12) ----------------------------------------------

    def elect_committee(self, on: dt.date, term_years: int, secretary: str | None = None) -> None:
        """A branch (general / joint branch) elects its committee (支部委员会换届); the term is
        1-2 years (`OrgPolicy.branch_term_years` is the default the service passes)."""
        self._require_active()
        when = self._check_date(on)
        if self.kind not in rules.BRANCH_KINDS:
            raise InvalidInput.field("kind", f"a {self.kind} does not elect a branch committee")
        if isinstance(term_years, bool) or term_years not in (1, 2):
            raise InvalidInput.field("term_years", "a branch committee's term is 1 or 2 years")
        if self.last_election_on is not None and on < self.last_election_on:
            raise InvalidInput.field("on", "is before the last election")
        self._record(
            "BranchCommitteeElected",
            {"on": when, "term_years": term_years,
             "term_ends_on": term_end(on, term_years).isoformat(),
             "secretary": v.optional_text("secretary", secretary)},
        )

    def _on_branch_committee_elected(self, data: dict[str, Any]) -> None:
        self.last_election_on = v.parse_req(data["on"])
        self.term_years = data["term_years"]


def term_end(start: dt.date, term_years: int) -> dt.date:
    """The day a term begun on `start` ends (the same date `term_years` later)."""
    return v.add_years(start, term_years)


def election_overdue(
    kind: str, founded_on: dt.date, last_election_on: dt.date | None, term_years: int | None,
    default_term_years: int, today: dt.date,
) -> dt.date | None:
    """When the branch's term ended without an election (None while it has not): a branch
    never elected counts its first term from its founding."""
    if kind not in rules.BRANCH_KINDS:
        return None
    start = last_election_on or founded_on
    ends = term_end(start, term_years or default_term_years)
    return ends if ends <= today else None
