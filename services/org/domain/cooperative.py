"""The farmer cooperative (农民专业合作社) aggregate and the League-building recommendation.

Farmer cooperative law figures: fewer than 5 members is refused (a cooperative cannot be
registered below it); farmers under 80% of members is only flagged in `warnings`, because the
platform records cooperatives as they are and the share is the registrar's business.
A duplicate USCC is refused by `uniqueness.py` (the handler finds the other cooperative).
"""

from __future__ import annotations

from typing import Any, Protocol

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, RuleViolation
from eventkit.identifiers import is_farmer_cooperative_uscc, uscc_problem
from services.org.contract.enums import (  # noqa: F401 - the contract's enums
    SUPPLY_COOP_RELATIONS,
)

from . import values as v
from .policy import DEFAULT as DEFAULT_POLICY
from .policy import OrgPolicy
from .unit import JOINT_MODES

MIN_MEMBERS = 5
MIN_FARMER_SHARE_PERCENT = 80
MIN_LEAGUE_MEMBERS_FOR_BRANCH = 3  # League constitution: 3 or more set up a branch

_TEXT_FIELDS = ("name", "chair", "township", "industry_category", "product", "business_mode")
_COUNT_FIELDS = (
    "members",
    "farmer_members",
    "young_people_under_35",
    "league_members",
)
_FLAG_FIELDS = ("party_org_present", "league_org_present")
FIELDS: tuple[str, ...] = (
    ("uscc",) + _TEXT_FIELDS + _COUNT_FIELDS + _FLAG_FIELDS + ("supply_coop_relation",)
)


def _clean(name: str, value: Any) -> Any:
    if name == "uscc":
        if not isinstance(value, str):
            raise InvalidInput.field("uscc", "is required")
        value = value.strip().upper()
        problem = uscc_problem(value)
        if problem:
            raise InvalidInput.field("uscc", problem)
        if not is_farmer_cooperative_uscc(value):
            raise InvalidInput.field("uscc", "a farmer cooperative's code starts with 93")
        return value
    if name in _TEXT_FIELDS:
        return v.text(name, value)
    if name in _COUNT_FIELDS:
        return v.count(name, value)
    if name in _FLAG_FIELDS:
        return v.flag(name, value)
    if name == "supply_coop_relation":
        return v.choice(name, value, SUPPLY_COOP_RELATIONS)
    raise InvalidInput.field(name, "is not a cooperative field")


def figure_errors(fields: dict[str, Any]) -> dict[str, list[str]]:
    """Figures that cannot be true together (field -> messages)."""
    errors: dict[str, list[str]] = {}
    members = fields["members"]
    if members < MIN_MEMBERS:
        errors.setdefault("members", []).append(
            f"a farmer cooperative has at least {MIN_MEMBERS} members"
        )
    if fields["farmer_members"] > members:
        errors.setdefault("farmer_members", []).append("cannot exceed members")
    return errors


def figure_warnings(fields: dict[str, Any]) -> list[str]:
    """Figures worth a second look, not refused."""
    warnings: list[str] = []
    members = fields["members"]
    if members and fields["farmer_members"] * 100 < members * MIN_FARMER_SHARE_PERCENT:
        warnings.append(
            f"farmer members are under {MIN_FARMER_SHARE_PERCENT}% of members "
            "(farmer cooperative law)"
        )
    if fields["league_members"] > fields["young_people_under_35"]:
        warnings.append("more League members than young people under 35")
    if (
        fields["league_members"] >= MIN_LEAGUE_MEMBERS_FOR_BRANCH
        and not fields["league_org_present"]
    ):
        warnings.append(
            f"{fields['league_members']} League members but no League organization "
            "(the League constitution asks for one from 3)"
        )
    return warnings


class CooperativeFacts(Protocol):
    members: int
    young_people_under_35: int
    league_members: int
    league_org_present: bool


def league_building_recommendation(
    coop: CooperativeFacts, policy: OrgPolicy = DEFAULT_POLICY
) -> dict[str, Any]:
    """How the cooperative should build its League organization (seed 三.2, 推进农村合作组织建团;
    the League constitution's floor of 3 League members for a basic organization).

    - existing: a constituted League organization covers it already.
    - standalone_direct (独立建团): 3 or more League members: its own branch, led and
      contacted directly by the working committee.
    - joint_township (联合建团): 1-2 League members: joint building through the township or
      village League organization, by one of the seed's five modes (`joint_modes`).
    - youth_organization (学习小组 / 联谊会): no League member but many young people under 35
      (`policy.youth_group_min_young_people`, default 5).
    - none: not (yet) any of these.
    """
    floor = policy.branch_min_league_members
    if coop.league_org_present:
        return {"mode": "existing", "label": "已建团",
                "reason": "the cooperative already has a constituted League organization"}
    lm, youth = coop.league_members, coop.young_people_under_35
    if lm >= floor:
        return {"mode": "standalone_direct", "label": "独立建团（团工委直接联系和管理）",
                "reason": (f"{lm} League members (the constitution's floor is {floor}): build "
                           "its own branch, led directly by the working committee")}
    if lm > 0:
        return {"mode": "joint_township", "label": "联合建团（乡镇、村团组织推动）",
                "joint_modes": list(JOINT_MODES),
                "reason": (f"{lm} League member(s), fewer than {floor}: build jointly through "
                           "the township or village League organization")}
    if youth >= policy.youth_group_min_young_people:
        return {"mode": "youth_organization", "label": "成立学习小组、联谊会等青年组织",
                "reason": (f"no League member but {youth} young people under "
                           f"{policy.young_person_max_age}: form a youth study group or "
                           "fellowship")}
    return {"mode": "none", "label": "暂不具备建团条件",
            "reason": (f"no League member and fewer than "
                       f"{policy.youth_group_min_young_people} young people under "
                       f"{policy.young_person_max_age}")}


class Cooperative(Aggregate):
    stream_prefix = "cooperative"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.uscc = ""
        self.name = ""
        self.chair = ""
        self.township = ""
        self.industry_category = ""
        self.product = ""
        self.business_mode = ""
        self.members = 0
        self.farmer_members = 0
        self.young_people_under_35 = 0
        self.league_members = 0
        self.party_org_present = False
        self.league_org_present = False
        self.supply_coop_relation = "none"

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FIELDS}

    @property
    def warnings(self) -> list[str]:
        return figure_warnings(self.fields())

    def register(
        self,
        *,
        name: str,
        uscc: str,
        chair: str,
        township: str,
        industry_category: str,
        product: str,
        business_mode: str,
        members: int,
        farmer_members: int,
        young_people_under_35: int,
        league_members: int,
        party_org_present: bool,
        league_org_present: bool,
        supply_coop_relation: str = "none",
    ) -> None:
        if self.exists:
            raise RuleViolation("cooperative already registered", {"id": self.id})
        raw = dict(locals())
        data = {name: _clean(name, raw[name]) for name in FIELDS}
        errors = figure_errors(data)
        if errors:
            raise InvalidInput("cooperative figures do not add up", {"errors": errors})
        self._record("CooperativeRegistered", data)

    def _on_cooperative_registered(self, data: dict[str, Any]) -> None:
        for name in FIELDS:
            setattr(self, name, data[name])

    def update(self, **changes: Any) -> bool:
        """Change some fields; records only real changes. Returns whether anything changed."""
        v.require_created(self.exists, "cooperative", self.id)
        unknown = sorted(set(changes) - set(FIELDS))
        if unknown:
            raise InvalidInput(
                "unknown fields", {"errors": {n: ["is not a cooperative field"] for n in unknown}}
            )
        cleaned = {name: _clean(name, value) for name, value in changes.items()}
        data = {n: val for n, val in cleaned.items() if getattr(self, n) != val}
        if not data:
            return False
        errors = figure_errors({**self.fields(), **data})
        if errors:
            raise InvalidInput("cooperative figures do not add up", {"errors": errors})
        self._record("CooperativeUpdated", data)
        return True

    def _on_cooperative_updated(self, data: dict[str, Any]) -> None:
        for name, value in data.items():
            setattr(self, name, value)
