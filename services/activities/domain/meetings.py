"""A recorded meeting (the regular meetings of the operating mechanism and others)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, RuleViolation
from services.activities.contract.enums import (  # noqa: F401 - the contract's enums
    ATTENDEE_MEMBER,
    ATTENDEE_ROLES,
    BRANCH_ASSEMBLY,
    BRANCH_COMMITTEE,
    BRANCH_MONTHLY_YOUTH_EXCHANGE,
    CHAIRING_ROLES,
    LEAGUE_LECTURE,
    MEETING_TYPE_NAMES,
    MEETING_TYPES,
    PRO_COMMITTEE_MONTHLY_INDUSTRY_INFO,
    PRO_COMMITTEE_QUARTERLY_SUGGESTION,
    TRAINING_NEW_TECH_CLASS,
    WORKING_COMMITTEE_REGULAR,
)

from ._common import (
    clean_id,
    clean_ids,
    clean_text,
    clean_text_list,
    iso_local,
    local_date,
    parse_date,
    require_aware,
    require_date,
    unknown_members_error,
)
from .units import DEFAULT_UNIT_KINDS, UnitInfo, UnitKinds

RECORDED = "recorded"
RETRACTED = "retracted"


def holder_groups(meeting_type: str) -> tuple[str, ...]:
    """Which holder groups (UnitKinds attributes) may hold a meeting type; () = any unit."""
    return {
        WORKING_COMMITTEE_REGULAR: ("working_committee",),
        PRO_COMMITTEE_QUARTERLY_SUGGESTION: ("professional_committee",),
        PRO_COMMITTEE_MONTHLY_INDUSTRY_INFO: ("professional_committee",),
        BRANCH_MONTHLY_YOUTH_EXCHANGE: ("branch",),
        # The working committee owes the class; a professional committee may run one too.
        TRAINING_NEW_TECH_CLASS: ("working_committee", "professional_committee"),
        BRANCH_ASSEMBLY: ("branch",),
        BRANCH_COMMITTEE: ("branch",),
        LEAGUE_LECTURE: (),
    }[meeting_type]


def may_hold(meeting_type: str, unit_kind: str, kinds: UnitKinds = DEFAULT_UNIT_KINDS) -> bool:
    groups = holder_groups(meeting_type)
    return not groups or any(unit_kind in getattr(kinds, g) for g in groups)


@dataclass(frozen=True)
class MeetingFacts:
    """What compliance needs of a meeting: its unit, type and local date."""

    meeting_id: str
    unit_id: str
    meeting_type: str
    held_on: date
    chaired: bool = True  # the secretary or a deputy secretary attended

    def counts_for_duty(self) -> bool:
        """Issue 12: the working committee's regular meeting counts as held only with the
        secretary or a deputy secretary present; other meetings count when recorded."""
        return self.meeting_type != WORKING_COMMITTEE_REGULAR or self.chaired


def chaired(roles: Iterable[str]) -> bool:
    return any(role in CHAIRING_ROLES for role in roles)


@dataclass(frozen=True)
class Absence:
    member_id: str
    reason: str


class Meeting(Aggregate):
    stream_prefix = "meeting"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.status = ""
        self.meeting_type = ""
        self.unit_id = ""
        self.held_on: date | None = None
        self.held_at: str | None = None
        self.attendee_member_ids: list[str] = []
        self.attendance: list[dict[str, str]] = []
        self.absentees: list[Absence] = []
        self.topics: list[str] = []
        self.resolutions: list[str] = []
        self.minutes = ""
        self.retract_reason = ""

    def record(
        self,
        *,
        meeting_type: str,
        unit: UnitInfo,
        held: date | datetime,
        attendee_member_ids: Sequence[str],
        absentees: Sequence[Absence] | Mapping[str, str] = (),
        topics: Sequence[str] = (),
        resolutions: Sequence[str] = (),
        minutes: str = "",
        today: date,
        known_member_ids: Set[str] | None = None,
        unit_kinds: UnitKinds = DEFAULT_UNIT_KINDS,
        attendee_roles: Mapping[str, str] | None = None,
    ) -> None:
        """Record a meeting held. `held` is a local date or an aware start time; the
        meeting counts for the county-local date of that time (23:30 local on the 31st
        counts for the 31st whatever the UTC date). `attendee_roles` is each attendee's role
        on that day (ATTENDEE_ROLES; an attendee missing from it is a member); the
        attendance keeps it per person."""
        if self.exists:
            raise RuleViolation("meeting already recorded", {"current_status": self.status})
        if meeting_type not in MEETING_TYPES:
            raise InvalidInput.field("meeting_type", "must be one of " + ", ".join(MEETING_TYPES))
        if not may_hold(meeting_type, unit.kind, unit_kinds):
            raise InvalidInput.field(
                "meeting_type", f"a unit of kind {unit.kind} does not hold {meeting_type}"
            )
        held_at: str | None = None
        if isinstance(held, datetime):
            held_at = iso_local(require_aware("held", held))
            held_on = local_date(held)
        else:
            held_on = require_date("held", held)
        if held_on > require_date("today", today):
            raise InvalidInput.field("held", "must not be in the future")
        if not unit.exists_on(held_on):
            raise RuleViolation(
                "the unit did not exist on that date",
                {
                    "unit_id": unit.id,
                    "created_on": unit.created_on.isoformat(),
                    "dissolved_on": unit.dissolved_on.isoformat() if unit.dissolved_on else None,
                },
            )
        attendees = clean_ids("attendee_member_ids", attendee_member_ids, allow_empty=False)
        absence_list = (
            [Absence(k, v) for k, v in absentees.items()]
            if isinstance(absentees, Mapping)
            else list(absentees)
        )
        absent_ids = clean_ids("absentees", [a.member_id for a in absence_list])
        both = set(absent_ids) & set(attendees)
        if both:
            raise InvalidInput.field("absentees", "also attending: " + ", ".join(sorted(both)))
        if known_member_ids is not None:
            unknown = [m for m in attendees + absent_ids if m not in known_member_ids]
            if unknown:
                raise unknown_members_error("attendee_member_ids", unknown)
        roles = dict(attendee_roles or {})
        attendance = [{"member_id": m, "role": roles.get(m, ATTENDEE_MEMBER)} for m in attendees]
        bad = sorted({a["role"] for a in attendance} - set(ATTENDEE_ROLES))
        if bad:
            raise InvalidInput.field("attendee_roles", "unknown roles: " + ", ".join(bad))
        self._record(
            "MeetingRecorded",
            {
                "meeting_type": meeting_type,
                "unit_id": clean_id("unit_id", unit.id),
                "held_on": held_on.isoformat(),
                "held_at": held_at,
                "attendee_member_ids": attendees,
                "attendance": attendance,
                "absentees": [
                    {"member_id": m, "reason": clean_text("absentees.reason", a.reason)}
                    for m, a in zip(absent_ids, absence_list, strict=True)
                ],
                "topics": clean_text_list("topics", topics),
                "resolutions": clean_text_list("resolutions", resolutions, max_len=2000),
                "minutes": clean_text("minutes", minutes, max_len=50000, required=False),
            },
        )

    def amend_minutes(self, *, minutes: str, resolutions: Sequence[str] | None = None) -> None:
        self._require_recorded("amend")
        data: dict[str, Any] = {
            "minutes": clean_text("minutes", minutes, max_len=50000, required=False)
        }
        if resolutions is not None:
            data["resolutions"] = clean_text_list("resolutions", resolutions, max_len=2000)
        self._record("MeetingMinutesAmended", data)

    def retract(self, *, reason: str) -> None:
        """Withdraw a record made in error; it stops counting for compliance."""
        self._require_recorded("retract")
        self._record("MeetingRecordRetracted", {"reason": clean_text("reason", reason)})

    def facts(self) -> MeetingFacts | None:
        """None when retracted or never recorded: such a record proves nothing."""
        if self.status != RECORDED or self.held_on is None:
            return None
        return MeetingFacts(self.id, self.unit_id, self.meeting_type, self.held_on,
                            chaired(a["role"] for a in self.attendance))

    def _require_recorded(self, action: str) -> None:
        if self.status != RECORDED:
            raise RuleViolation(
                f"cannot {action}: meeting is {self.status or 'not recorded'}",
                {"current_status": self.status or None},
            )

    def _on_meeting_recorded(self, data: dict[str, Any]) -> None:
        self.status = RECORDED
        self.meeting_type = data["meeting_type"]
        self.unit_id = data["unit_id"]
        self.held_on = parse_date(data["held_on"])
        self.held_at = data.get("held_at")
        self.attendee_member_ids = list(data["attendee_member_ids"])
        self.attendance = [dict(a) for a in data["attendance"]]
        self.absentees = [Absence(a["member_id"], a["reason"]) for a in data["absentees"]]
        self.topics = list(data["topics"])
        self.resolutions = list(data["resolutions"])
        self.minutes = data["minutes"]

    def _on_meeting_minutes_amended(self, data: dict[str, Any]) -> None:
        self.minutes = data["minutes"]
        if "resolutions" in data:
            self.resolutions = list(data["resolutions"])

    def _on_meeting_record_retracted(self, data: dict[str, Any]) -> None:
        self.status = RETRACTED
        self.retract_reason = data["reason"]
