"""What the activities service knows of an org unit (a projection of org events, passed in)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

WORKING_COMMITTEE = "working_committee"
PROFESSIONAL_COMMITTEE = "professional_committee"
BRANCH_KINDS = frozenset({"branch", "general_branch", "joint_branch"})

# Key used in grouped counts for units with no professional committee or township.
UNASSIGNED = "unassigned"


@dataclass(frozen=True)
class UnitInfo:
    id: str
    kind: str
    name: str
    created_on: date
    dissolved_on: date | None = None
    parent_id: str | None = None
    professional_committee_id: str | None = None
    township: str | None = None
    # Issue 12: the working committee's duties start at its founding conference (成立大会),
    # not at its creation in the platform; `founding_required` marks such a unit and
    # `founded_on` is the conference date (None: not held yet, no duty yet).
    founding_required: bool = False
    founded_on: date | None = None

    @property
    def duties_start(self) -> date | None:
        """The day the unit came into being for its meeting duties (None: not yet)."""
        if self.founding_required:
            return self.founded_on
        return self.created_on

    def exists_on(self, day: date) -> bool:
        return self.created_on <= day and (self.dissolved_on is None or day <= self.dissolved_on)

    @property
    def committee_key(self) -> str:
        """Grouping key by professional committee: a professional committee groups under
        itself; units outside any committee (the working committee) under UNASSIGNED."""
        if self.kind == PROFESSIONAL_COMMITTEE:
            return self.id
        return self.professional_committee_id or UNASSIGNED

    @property
    def township_key(self) -> str:
        return self.township or UNASSIGNED


@dataclass(frozen=True)
class UnitKinds:
    """Which org unit kinds count as which holder (the org service owns the kind ids)."""

    working_committee: frozenset[str] = frozenset({WORKING_COMMITTEE})
    professional_committee: frozenset[str] = frozenset({PROFESSIONAL_COMMITTEE})
    branch: frozenset[str] = field(default_factory=lambda: BRANCH_KINDS)


DEFAULT_UNIT_KINDS = UnitKinds()
