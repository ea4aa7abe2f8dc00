"""The farmer cooperative (农民专业合作社) aggregate and the League-building recommendation.

Farmer cooperative law figures: fewer than 5 members is refused (a cooperative cannot be
registered below it); farmers under 80% of members is only flagged in `warnings`, because the
platform records cooperatives as they are and the share is the registrar's business.
A duplicate USCC is checked by the service layer (it needs the other cooperatives).
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

MIN_MEMBERS = 5
MIN_FARMER_SHARE_PERCENT = 80
# Seed: "规模较大的、团员青年较多的" builds its own branch. The seed gives no figure; a
# county office would call 100+ members large. Keep it a parameter of the recommendation.
LARGE_COOPERATIVE_MIN_MEMBERS = 100
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
    coop: CooperativeFacts, large_min_members: int = LARGE_COOPERATIVE_MIN_MEMBERS
) -> dict[str, str]:
    """How the cooperative should build its League organization (seed, 推进农村合作组织建团).

    - existing: it already has one.
    - standalone_direct: 3+ League members and large: its own branch, led directly by the
      working committee.
    - joint_township: fewer than 3 League members (or 3+ in a small cooperative, which the seed
      puts with the small ones): a joint branch led by the township League organization.
    - youth_organization: no League member to build on, but young people under 35: a study
      group or fellowship.
    - none: neither League members nor young people.
    """
    if coop.league_org_present:
        return {"mode": "existing", "reason": "the cooperative already has a League organization"}
    lm, youth = coop.league_members, coop.young_people_under_35
    if lm >= MIN_LEAGUE_MEMBERS_FOR_BRANCH and coop.members >= large_min_members:
        return {
            "mode": "standalone_direct",
            "reason": (
                f"{lm} League members and {coop.members} members (large, {large_min_members}+): "
                "build a standalone branch led directly by the working committee"
            ),
        }
    if lm >= MIN_LEAGUE_MEMBERS_FOR_BRANCH:
        return {
            "mode": "joint_township",
            "reason": (
                f"{lm} League members but a small cooperative ({coop.members} members): build "
                "jointly, led by the township League organization"
            ),
        }
    if lm > 0:
        return {
            "mode": "joint_township",
            "reason": (
                f"fewer than {MIN_LEAGUE_MEMBERS_FOR_BRANCH} League members ({lm}): build a "
                "joint branch with neighbours, led by the township League organization"
            ),
        }
    if youth > 0:
        return {
            "mode": "youth_organization",
            "reason": (
                f"no League member for a branch but {youth} young people under 35: form a "
                "youth study group or fellowship"
            ),
        }
    return {"mode": "none", "reason": "no League members and no young people under 35"}


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
