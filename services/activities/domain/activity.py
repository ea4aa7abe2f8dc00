"""The Activity aggregate: planned -> held | cancelled, with registrations and check-ins."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, RuleViolation
from services.activities.contract.enums import (  # noqa: F401 - the contract's enums
    ACTIVITY_KINDS,
)

from ._common import (
    clean_id,
    clean_ids,
    clean_optional_id,
    clean_text,
    int_figures,
    iso_local,
    local_date,
    non_negative_int,
    parse_date,
    parse_datetime,
    require_aware,
    require_date,
    unknown_members_error,
)

PLANNED = "planned"
HELD = "held"
CANCELLED = "cancelled"

_EDITABLE = (
    "organizer_unit_ids",
    "co_organizer_unit_ids",
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "venue",
    "audience",
    "expected_attendance",
    "budget_fen",
    "work_menu_item_id",
)


@dataclass(frozen=True)
class ActivityFacts:
    """A read-only snapshot for reports, stats and calendars (no aggregate behaviour)."""

    activity_id: str
    status: str
    kind: str
    title: str
    organizer_unit_ids: tuple[str, ...]
    co_organizer_unit_ids: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime
    venue: str = ""
    held_on: date | None = None
    attendee_member_ids: tuple[str, ...] = ()
    work_menu_item_id: str | None = None
    unified_activity_id: str | None = None
    summary: str = ""
    outcome_figures: Mapping[str, int] = field(default_factory=dict)

    @property
    def unit_ids(self) -> tuple[str, ...]:
        return self.organizer_unit_ids + self.co_organizer_unit_ids


def _check_kind(kind: Any) -> str:
    if kind not in ACTIVITY_KINDS:
        raise InvalidInput.field("kind", "must be one of " + ", ".join(ACTIVITY_KINDS))
    return str(kind)


def _check_units(
    organizers: list[str], co_organizers: list[str], active_unit_ids: Set[str] | None
) -> None:
    both = set(organizers) & set(co_organizers)
    if both:
        raise InvalidInput.field(
            "co_organizer_unit_ids", "already organizing: " + ", ".join(sorted(both))
        )
    if active_unit_ids is not None:
        unknown = sorted(u for u in organizers + co_organizers if u not in active_unit_ids)
        if unknown:
            raise InvalidInput(
                "unknown or dissolved units: " + ", ".join(unknown),
                {"errors": {"unit_ids": ["unknown or dissolved: " + ", ".join(unknown)]},
                 "unknown_unit_ids": unknown},
            )


def organizing_units(organizers: Sequence[str], co_organizers: Sequence[str],
                     league: Set[str], departments: Set[str]) -> set[str]:
    """Who may take part in an activity, and how: active League units organize or
    co-organize; the committee's member units (departments, outside the League tree)
    only co-organize. `league` and `departments` are the active ones of the named ids;
    answers the ids the activity may name (`active_unit_ids` of `plan` and `edit`)."""
    wrong = sorted(u for u in organizers if u in departments and u not in league)
    if wrong:
        raise InvalidInput.field("organizer_unit_ids",
                                 "member units (departments) co-organize; a League unit"
                                 " organizes: " + ", ".join(wrong))
    return set(league) | set(departments)


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise InvalidInput.field("ends_at", "must be after starts_at")


def _check_members(field_name: str, member_ids: Iterable[str], active: Set[str]) -> None:
    unknown = [m for m in member_ids if m not in active]
    if unknown:
        raise unknown_members_error(field_name, unknown)


class Activity(Aggregate):
    stream_prefix = "activity"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.status = ""
        self.organizer_unit_ids: list[str] = []
        self.co_organizer_unit_ids: list[str] = []
        self.kind = ""
        self.title = ""
        self.starts_at: datetime | None = None
        self.ends_at: datetime | None = None
        self.venue = ""
        self.audience = ""
        self.expected_attendance = 0
        self.budget_fen = 0
        self.work_menu_item_id: str | None = None
        self.unified_activity_id: str | None = None
        self.registered_member_ids: list[str] = []
        self.checked_in_member_ids: list[str] = []
        self.held_on: date | None = None
        self.attendee_member_ids: list[str] = []
        self.summary = ""
        self.outcome_figures: dict[str, int] = {}
        self.cancel_reason = ""

    # -- commands ---------------------------------------------------------------------

    def plan(
        self,
        *,
        organizer_unit_ids: Sequence[str],
        kind: str,
        title: str,
        starts_at: datetime,
        ends_at: datetime,
        venue: str,
        audience: str = "",
        expected_attendance: int = 0,
        budget_fen: int = 0,
        co_organizer_unit_ids: Sequence[str] = (),
        work_menu_item_id: str | None = None,
        unified_activity_id: str | None = None,
        active_unit_ids: Set[str] | None = None,
    ) -> None:
        """Plan the activity. `active_unit_ids`, when the service passes it, refuses units
        that are unknown or dissolved."""
        if self.exists:
            raise RuleViolation("activity already planned", {"current_status": self.status})
        organizers = clean_ids("organizer_unit_ids", organizer_unit_ids, allow_empty=False)
        co_organizers = clean_ids("co_organizer_unit_ids", co_organizer_unit_ids)
        _check_units(organizers, co_organizers, active_unit_ids)
        start = require_aware("starts_at", starts_at)
        end = require_aware("ends_at", ends_at)
        _check_times(start, end)
        self._record(
            "ActivityPlanned",
            {
                "organizer_unit_ids": organizers,
                "co_organizer_unit_ids": co_organizers,
                "kind": _check_kind(kind),
                "title": clean_text("title", title),
                "starts_at": iso_local(start),
                "ends_at": iso_local(end),
                "venue": clean_text("venue", venue),
                "audience": clean_text("audience", audience, max_len=500, required=False),
                "expected_attendance": non_negative_int("expected_attendance", expected_attendance),
                "budget_fen": non_negative_int("budget_fen", budget_fen),
                "work_menu_item_id": clean_optional_id("work_menu_item_id", work_menu_item_id),
                "unified_activity_id": clean_optional_id(
                    "unified_activity_id", unified_activity_id
                ),
            },
        )

    def edit(
        self,
        *,
        organizer_unit_ids: Sequence[str] | None = None,
        co_organizer_unit_ids: Sequence[str] | None = None,
        kind: str | None = None,
        title: str | None = None,
        starts_at: datetime | None = None,
        ends_at: datetime | None = None,
        venue: str | None = None,
        audience: str | None = None,
        expected_attendance: int | None = None,
        budget_fen: int | None = None,
        work_menu_item_id: str | None = None,
        active_unit_ids: Set[str] | None = None,
    ) -> None:
        """Change planned details; None leaves a field as it is. Only the changed fields
        go into the event; an edit that changes nothing is refused."""
        self._require_status(PLANNED, "edit")
        assert self.starts_at is not None and self.ends_at is not None
        changes: dict[str, Any] = {}
        organizers = (
            clean_ids("organizer_unit_ids", organizer_unit_ids, allow_empty=False)
            if organizer_unit_ids is not None
            else self.organizer_unit_ids
        )
        co_organizers = (
            clean_ids("co_organizer_unit_ids", co_organizer_unit_ids)
            if co_organizer_unit_ids is not None
            else self.co_organizer_unit_ids
        )
        if organizer_unit_ids is not None or co_organizer_unit_ids is not None:
            new_units = [u for u in organizers + co_organizers if u not in self._unit_set()]
            _check_units(organizers, co_organizers, None)
            if active_unit_ids is not None:
                # Units already on the activity stay valid even if dissolved since.
                _check_units(new_units, [], active_unit_ids)
        if organizers != self.organizer_unit_ids:
            changes["organizer_unit_ids"] = organizers
        if co_organizers != self.co_organizer_unit_ids:
            changes["co_organizer_unit_ids"] = co_organizers
        if kind is not None and _check_kind(kind) != self.kind:
            changes["kind"] = kind
        if title is not None and clean_text("title", title) != self.title:
            changes["title"] = clean_text("title", title)
        start = require_aware("starts_at", starts_at) if starts_at is not None else self.starts_at
        end = require_aware("ends_at", ends_at) if ends_at is not None else self.ends_at
        _check_times(start, end)
        if start != self.starts_at:
            changes["starts_at"] = iso_local(start)
        if end != self.ends_at:
            changes["ends_at"] = iso_local(end)
        if venue is not None and clean_text("venue", venue) != self.venue:
            changes["venue"] = clean_text("venue", venue)
        if audience is not None:
            cleaned = clean_text("audience", audience, max_len=500, required=False)
            if cleaned != self.audience:
                changes["audience"] = cleaned
        if expected_attendance is not None:
            value = non_negative_int("expected_attendance", expected_attendance)
            if value != self.expected_attendance:
                changes["expected_attendance"] = value
        if budget_fen is not None and non_negative_int("budget_fen", budget_fen) != self.budget_fen:
            changes["budget_fen"] = budget_fen
        if work_menu_item_id is not None:
            item = clean_id("work_menu_item_id", work_menu_item_id)
            if item != self.work_menu_item_id:
                changes["work_menu_item_id"] = item
        if not changes:
            raise InvalidInput("nothing to change", {"errors": {"_": ["nothing to change"]}})
        self._record("ActivityEdited", changes)

    def register(self, member_id: str, *, now: datetime, active_member_ids: Set[str]) -> None:
        """RSVP: only while planned and before the start."""
        member = clean_id("member_id", member_id)
        self._require_status(PLANNED, "register")
        self._require_before_start(require_aware("now", now), "registration")
        _check_members("member_id", [member], active_member_ids)
        if member in self.registered_member_ids:
            raise RuleViolation("member already registered", {"member_id": member})
        self._record("ActivityRegistrationAdded", {"member_id": member, "at": iso_local(now)})

    def withdraw_registration(self, member_id: str, *, now: datetime) -> None:
        member = clean_id("member_id", member_id)
        self._require_status(PLANNED, "withdraw a registration")
        self._require_before_start(require_aware("now", now), "withdrawal")
        if member not in self.registered_member_ids:
            raise RuleViolation("member is not registered", {"member_id": member})
        self._record("ActivityRegistrationWithdrawn", {"member_id": member, "at": iso_local(now)})

    def check_in(self, member_id: str, *, now: datetime, active_member_ids: Set[str]) -> None:
        """Check-in on the event day(s) (county local dates from start to end), whether
        still planned or already recorded as held; walk-ins need no registration."""
        member = clean_id("member_id", member_id)
        if self.status not in (PLANNED, HELD):
            raise RuleViolation(
                f"cannot check in: activity is {self.status or 'not planned'}",
                {"current_status": self.status},
            )
        assert self.starts_at is not None and self.ends_at is not None
        day = local_date(require_aware("now", now))
        first, last = local_date(self.starts_at), local_date(self.ends_at)
        if self.held_on is not None:
            first, last = min(first, self.held_on), max(last, self.held_on)
        if not first <= day <= last:
            raise RuleViolation(
                "check-in is only open on the day of the activity",
                {"opens_on": first.isoformat(), "closes_on": last.isoformat()},
            )
        _check_members("member_id", [member], active_member_ids)
        if member in self.checked_in_member_ids:
            raise RuleViolation("member already checked in", {"member_id": member})
        self._record("ActivityCheckInRecorded", {"member_id": member, "at": iso_local(now)})

    def hold(
        self,
        *,
        held_on: date,
        attendee_member_ids: Sequence[str],
        summary: str,
        outcome_figures: Mapping[str, int] | None = None,
        active_member_ids: Set[str],
        today: date,
    ) -> None:
        """Record that it took place. Attendees must all be in `active_member_ids` (known
        members of units not dissolved); the 422 lists every offender."""
        self._require_status(PLANNED, "record as held")
        actual = require_date("held_on", held_on)
        if actual > require_date("today", today):
            raise InvalidInput.field("held_on", "must not be in the future")
        attendees = clean_ids("attendee_member_ids", attendee_member_ids)
        _check_members("attendee_member_ids", attendees, active_member_ids)
        self._record(
            "ActivityHeld",
            {
                "held_on": actual.isoformat(),
                "attendee_member_ids": attendees,
                "summary": clean_text("summary", summary, max_len=5000),
                "outcome_figures": int_figures("outcome_figures", outcome_figures),
            },
        )

    def cancel(self, *, reason: str) -> None:
        self._require_status(PLANNED, "cancel")
        self._record("ActivityCancelled", {"reason": clean_text("reason", reason, max_len=1000)})

    # -- queries ----------------------------------------------------------------------

    def facts(self) -> ActivityFacts:
        if not self.exists:
            raise RuleViolation("activity not planned", {})
        assert self.starts_at is not None and self.ends_at is not None
        return ActivityFacts(
            activity_id=self.id,
            status=self.status,
            kind=self.kind,
            title=self.title,
            organizer_unit_ids=tuple(self.organizer_unit_ids),
            co_organizer_unit_ids=tuple(self.co_organizer_unit_ids),
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            venue=self.venue,
            held_on=self.held_on,
            attendee_member_ids=tuple(self.attendee_member_ids),
            work_menu_item_id=self.work_menu_item_id,
            unified_activity_id=self.unified_activity_id,
            summary=self.summary,
            outcome_figures=dict(self.outcome_figures),
        )

    def _unit_set(self) -> set[str]:
        return set(self.organizer_unit_ids) | set(self.co_organizer_unit_ids)

    def _require_status(self, status: str, action: str) -> None:
        if self.status != status:
            raise RuleViolation(
                f"cannot {action}: activity is {self.status or 'not planned'}",
                {"current_status": self.status or None, "required_status": status},
            )

    def _require_before_start(self, now: datetime, what: str) -> None:
        assert self.starts_at is not None
        if now >= self.starts_at:
            raise RuleViolation(
                f"{what} closed: the activity has started",
                {"starts_at": self.starts_at.isoformat()},
            )

    # -- state changes ----------------------------------------------------------------

    def _on_activity_planned(self, data: dict[str, Any]) -> None:
        self.status = PLANNED
        self.organizer_unit_ids = list(data["organizer_unit_ids"])
        self.co_organizer_unit_ids = list(data["co_organizer_unit_ids"])
        self.kind = data["kind"]
        self.title = data["title"]
        self.starts_at = parse_datetime(data["starts_at"])
        self.ends_at = parse_datetime(data["ends_at"])
        self.venue = data["venue"]
        self.audience = data["audience"]
        self.expected_attendance = data["expected_attendance"]
        self.budget_fen = data["budget_fen"]
        self.work_menu_item_id = data.get("work_menu_item_id")
        self.unified_activity_id = data.get("unified_activity_id")

    def _on_activity_edited(self, data: dict[str, Any]) -> None:
        for name in _EDITABLE:
            if name not in data:
                continue
            value = data[name]
            if name in ("starts_at", "ends_at"):
                value = parse_datetime(value)
            elif isinstance(value, list):
                value = list(value)
            setattr(self, name, value)

    def _on_activity_registration_added(self, data: dict[str, Any]) -> None:
        self.registered_member_ids.append(data["member_id"])

    def _on_activity_registration_withdrawn(self, data: dict[str, Any]) -> None:
        self.registered_member_ids.remove(data["member_id"])

    def _on_activity_check_in_recorded(self, data: dict[str, Any]) -> None:
        self.checked_in_member_ids.append(data["member_id"])

    def _on_activity_held(self, data: dict[str, Any]) -> None:
        self.status = HELD
        self.held_on = parse_date(data["held_on"])
        self.attendee_member_ids = list(data["attendee_member_ids"])
        self.summary = data["summary"]
        self.outcome_figures = dict(data["outcome_figures"])

    def _on_activity_cancelled(self, data: dict[str, Any]) -> None:
        self.status = CANCELLED
        self.cancel_reason = data["reason"]
