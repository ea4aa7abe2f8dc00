"""The org service's policy numbers (issue 12), versioned like the dues rules.

A version applies from its `effective_from` date until the next version's; versions are
appended, never changed, so a figure reported for a past date keeps the numbers of its day.
`DEFAULT` is always the first version. A county changes a number by appending a version to
`VERSIONS` (or, for a deployment, through `ORG_POLICY_OVERRIDES`, read by the service layer:
a JSON list of {version, effective_from, ...changed numbers}).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from eventkit.errors import InvalidInput
from services.org.contract.enums import SERVICE_DEPARTMENTS, SERVICE_KINDS

# Services of the member departments (issue 12 part 6): which department answers each kind
# (seed: 政策扶持 agriculture bureau, 资金支持 finance, 税收减免 tax, 简化手续 commerce (工商局,
# registrations), 技能培训 and 科技服务 the science and technology bureau).
DEFAULT_SERVICE_ROUTING: tuple[tuple[str, str], ...] = (
    ("policy_support", "agriculture"),
    ("funding_support", "finance"),
    ("tax_relief", "tax"),
    ("simpler_procedures", "commerce"),
    ("training", "science_technology"),
    ("technical_help", "science_technology"),
)


@dataclass(frozen=True)
class OrgPolicy:
    version: str = "2024-1"
    effective_from: str = "2000-01-01"
    # League constitution: a branch is constituted with 3 or more League members.
    branch_min_league_members: int = 3
    # Seed 二.2: "对暂不具备建团条件、有较多35岁以下青年的" — "many" young people under 35.
    youth_group_min_young_people: int = 5
    young_person_max_age: int = 35
    # A professional committee spans at least two cooperatives of similar products.
    professional_committee_min_cooperatives: int = 2
    # League constitution: admission from 14 to before the 28th birthday.
    admission_min_age: int = 14
    league_max_age: int = 28
    # 自行脱团: six months without dues or organizational life.
    self_lapse_months: int = 6
    # Branch committee term (1-2 years by the League's rules).
    branch_term_years: int = 2
    # Annual evaluation: at most 30% excellent.
    evaluation_excellent_max_percent: int = 30
    # Service requests: a department answers within 15 working days (Mon-Fri; public
    # holidays and adjusted working weekends are not modelled).
    service_answer_working_days: int = 15
    # kind -> department, as (kind, department) pairs; an override gives {kind: department}
    service_routing: tuple[tuple[str, str], ...] = DEFAULT_SERVICE_ROUTING

    def __post_init__(self) -> None:
        if not 1 <= self.branch_term_years <= 2:
            raise InvalidInput.field("branch_term_years", "a branch term is 1 or 2 years")
        routing = dict(self.service_routing)
        if sorted(routing) != sorted(SERVICE_KINDS):
            raise InvalidInput.field("service_routing", "must route every kind: "
                                     + ", ".join(SERVICE_KINDS))
        unknown = sorted(d for d in routing.values() if d not in SERVICE_DEPARTMENTS)
        if unknown:
            raise InvalidInput.field("service_routing", "not a member department: "
                                     + ", ".join(unknown))
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type == "int" and (not isinstance(value, int) or value < 0):
                raise InvalidInput.field(f.name, "must be a whole number, 0 or more")


DEFAULT = OrgPolicy()
VERSIONS: tuple[OrgPolicy, ...] = (DEFAULT,)


def with_overrides(overrides: Iterable[Mapping[str, Any]],
                   base: Sequence[OrgPolicy] = VERSIONS) -> tuple[OrgPolicy, ...]:
    """The versions plus appended ones, each changing some numbers of the version before it."""
    out = list(base)
    known = {f.name for f in fields(OrgPolicy)}
    for raw in overrides:
        unknown = sorted(set(raw) - known)
        if unknown:
            raise InvalidInput.field(unknown[0], "is not an org policy number")
        changes = dict(raw)
        if "service_routing" in changes:
            routing = changes["service_routing"]
            if not isinstance(routing, Mapping):
                raise InvalidInput.field("service_routing", "must be {kind: department}")
            merged = {**dict(out[-1].service_routing), **routing}
            changes["service_routing"] = tuple(merged.items())
        version = replace(out[-1], **changes)
        if version.effective_from <= out[-1].effective_from:
            raise InvalidInput.field("effective_from", "a new version starts after the last one")
        out.append(version)
    return tuple(out)


def route_of(kind: str, policy: OrgPolicy) -> str:
    """The member department that answers a service request of `kind`."""
    routing = dict(policy.service_routing)
    if kind not in routing:
        raise InvalidInput.field("kind", "must be one of " + ", ".join(SERVICE_KINDS))
    return routing[kind]


def policy_on(day: dt.date, versions: Sequence[OrgPolicy] = VERSIONS) -> OrgPolicy:
    """The version in force on `day`."""
    current = versions[0]
    for version in versions:
        if dt.date.fromisoformat(version.effective_from) <= day:
            current = version
    return current
