"""The working committee (团工委) aggregate: its establishment workflow, member units, leadership.

The establishment steps (DOMAIN.md section 2) happen strictly in `WORKFLOW` order; a step out
of order raises `RuleViolation` with `details["due_step"]` (None once the workflow is done).
Every step carries the date it happened on (`on`); dates may not go backwards.

Leadership rules (DOMAIN.md section 1): exactly one secretary from the county League
committee; 7-9 deputy secretaries, each the head of a functional office of a different member
unit; committee members from the eligible sources. Single appointments that can never be
right are refused at once; the counts (one secretary, at least 7 deputies) can only be met
over several appointments, so they are reported by `leadership_problems()` and block approval.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, RuleViolation
from eventkit.identifiers import ascii_digits
from services.org.contract.enums import (  # noqa: F401 - the contract's enums
    AGENDA_ITEM_KINDS,
    COMMITTEE_MEMBER_SOURCES,
    DEPARTMENT_TYPES,
    ORGANIZATION_LEVELS,
)
from services.org.domain.leadership import (  # noqa: F401 - importable from here too
    MAX_DEPUTY_SECRETARIES,
    MIN_COMMITTEE_MEMBERS,
    MIN_DEPUTY_SECRETARIES,
    _agenda_item,
    approval_problems_of,
    check_accepts_units,
    leadership_problems_of,
)

from . import values as v

WORKFLOW: tuple[str, ...] = (
    "survey_recorded",
    "plan_drafted",
    "coordination_recorded",
    "preparatory_group_formed",
    "establishment_requested",
    "establishment_approved",
    "founding_conference_held",
)


REQUIRED_AGENDA_ITEMS: tuple[str, ...] = (
    "establishment_document_read",
    "work_report",
    "superior_leader_speeches",
)


class Committee(Aggregate):
    stream_prefix = "committee"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.name = ""
        self.county = ""
        self.county_code = ""
        self.steps: dict[str, dict[str, Any]] = {}  # step -> its event data
        self.member_units: dict[str, dict[str, str]] = {}
        self.secretary: dict[str, Any] | None = None
        self.deputy_secretaries: dict[str, dict[str, Any]] = {}
        self.committee_members: dict[str, dict[str, Any]] = {}
        # an open leadership problem after establishment: {"since": iso date, "problems": [...]}
        self.open_problem: dict[str, Any] | None = None

    # ---- queries ---------------------------------------------------------------------

    @property
    def due_step(self) -> str | None:
        for step in WORKFLOW:
            if step not in self.steps:
                return step
        return None

    @property
    def established(self) -> bool:
        return "establishment_approved" in self.steps

    def leadership_problems(self) -> list[str]:
        return leadership_problems_of(
            1 if self.secretary else 0,
            [d["member_unit_id"] for d in self.deputy_secretaries.values()],
            set(self.member_units),
        )

    def approval_problems(self) -> list[str]:
        return approval_problems_of(
            1 if self.secretary else 0,
            [d["member_unit_id"] for d in self.deputy_secretaries.values()],
            set(self.member_units),
            [m["source"] for m in self.committee_members.values()],
        )

    def _track_leadership(self, on: str) -> None:
        """After establishment people leave and join: a leadership that breaks the rules is an
        open problem with a start (LeadershipProblemOpened) and an end (...Resolved)."""
        if not self.established:
            return
        problems = self.leadership_problems()
        if problems and (self.open_problem is None or self.open_problem["problems"] != problems):
            self._record("LeadershipProblemOpened", {"on": on, "problems": problems})
        elif not problems and self.open_problem is not None:
            self._record("LeadershipProblemResolved", {"on": on})

    def _on_leadership_problem_opened(self, data: dict[str, Any]) -> None:
        since = self.open_problem["since"] if self.open_problem else data["on"]
        self.open_problem = {"since": since, "problems": list(data["problems"])}

    def _on_leadership_problem_resolved(self, data: dict[str, Any]) -> None:
        self.open_problem = None

    # ---- creation --------------------------------------------------------------------

    def create(self, name: str, county: str, county_code: str) -> None:
        if self.exists:
            raise RuleViolation("committee already exists", {"id": self.id})
        name = v.text("name", name)
        county = v.text("county", county)
        if not isinstance(county_code, str) or len(county_code) != 6 \
                or not ascii_digits(county_code):
            raise InvalidInput.field("county_code", "must be a six-digit GB/T 2260 county code")
        self._record(
            "CommitteeCreated", {"name": name, "county": county, "county_code": county_code}
        )

    def _on_committee_created(self, data: dict[str, Any]) -> None:
        self.name = data["name"]
        self.county = data["county"]
        self.county_code = data["county_code"]

    # ---- workflow --------------------------------------------------------------------

    def _check_step(self, step: str, on: dt.date) -> str:
        v.require_created(self.exists, "committee", self.id)
        if self.due_step != step:
            raise RuleViolation(
                f"{step} is out of order; the due step is {self.due_step}",
                {"due_step": self.due_step, "attempted_step": step},
            )
        v.day("on", on)
        previous = [v.parse_req(data["on"]) for data in self.steps.values()]
        if previous and on < max(previous):
            raise InvalidInput.field("on", "may not be before the previous step")
        return on.isoformat()

    def record_survey(
        self,
        on: dt.date,
        cooperatives: int,
        league_members: int,
        young_people: int,
        party_organizations: int,
        league_organizations: int,
        report: str,
    ) -> None:
        when = self._check_step("survey_recorded", on)
        self._record(
            "SurveyRecorded",
            {
                "on": when,
                "cooperatives": v.count("cooperatives", cooperatives),
                "league_members": v.count("league_members", league_members),
                "young_people": v.count("young_people", young_people),
                "party_organizations": v.count("party_organizations", party_organizations),
                "league_organizations": v.count("league_organizations", league_organizations),
                "report": v.text("report", report, max_len=20000),
            },
        )

    def _on_survey_recorded(self, data: dict[str, Any]) -> None:
        self.steps["survey_recorded"] = data

    def draft_plan(
        self, on: dt.date, summary: str, levels: Sequence[str], draft_leadership: str | None = None
    ) -> None:
        when = self._check_step("plan_drafted", on)
        levels = [v.choice("levels", level, ORGANIZATION_LEVELS) for level in levels]
        if "working_committee" not in levels:
            raise InvalidInput.field("levels", "must include working_committee")
        self._record(
            "PlanDrafted",
            {
                "on": when,
                "summary": v.text("summary", summary, max_len=20000),
                "levels": list(dict.fromkeys(levels)),
                "draft_leadership": v.optional_text(
                    "draft_leadership", draft_leadership, max_len=20000
                ),
            },
        )

    def _on_plan_drafted(self, data: dict[str, Any]) -> None:
        self.steps["plan_drafted"] = data

    def record_coordination(
        self,
        on: dt.date,
        org_dept_consent: bool,
        supporting_departments: Sequence[str],
        meeting_date: dt.date | None = None,
        meeting_attendees: Sequence[str] = (),
    ) -> None:
        when = self._check_step("coordination_recorded", on)
        if v.flag("org_dept_consent", org_dept_consent) is not True:
            raise InvalidInput.field(
                "org_dept_consent", "the organization department's consent is required"
            )
        departments = [
            v.choice("supporting_departments", d, DEPARTMENT_TYPES) for d in supporting_departments
        ]
        if not departments:
            raise InvalidInput.field("supporting_departments", "name at least one department")
        attendees = [v.text("meeting_attendees", a) for a in meeting_attendees]
        if meeting_date is None and attendees:
            raise InvalidInput.field("meeting_date", "is required when attendees are given")
        if meeting_date is not None:
            v.day("meeting_date", meeting_date)
            if not attendees:
                raise InvalidInput.field("meeting_attendees", "a meeting needs attendees")
        self._record(
            "CoordinationRecorded",
            {
                "on": when,
                "org_dept_consent": True,
                "supporting_departments": list(dict.fromkeys(departments)),
                "meeting_date": v.iso(meeting_date),
                "meeting_attendees": attendees,
            },
        )

    def _on_coordination_recorded(self, data: dict[str, Any]) -> None:
        self.steps["coordination_recorded"] = data

    def form_preparatory_group(self, on: dt.date, members: Sequence[Mapping[str, Any]]) -> None:
        """`members`: dicts of `name`, `office`, optional `member_unit_id` (a known member unit)."""
        when = self._check_step("preparatory_group_formed", on)
        group = []
        for raw in members:
            unit_id = raw.get("member_unit_id")
            if unit_id is not None and unit_id not in self.member_units:
                raise InvalidInput.field("members.member_unit_id", f"unknown member unit {unit_id}")
            group.append(
                {
                    "name": v.text("members.name", raw.get("name")),
                    "office": v.text("members.office", raw.get("office")),
                    "member_unit_id": unit_id,
                }
            )
        if not group:
            raise InvalidInput.field("members", "the preparatory group needs members")
        self._record("PreparatoryGroupFormed", {"on": when, "members": group})

    def _on_preparatory_group_formed(self, data: dict[str, Any]) -> None:
        self.steps["preparatory_group_formed"] = data

    def request_establishment(self, on: dt.date) -> None:
        when = self._check_step("establishment_requested", on)
        self._record("EstablishmentRequested", {"on": when})

    def _on_establishment_requested(self, data: dict[str, Any]) -> None:
        self.steps["establishment_requested"] = data

    def approve_establishment(self, on: dt.date, document_number: str) -> None:
        when = self._check_step("establishment_approved", on)
        document_number = v.text("document_number", document_number)
        problems = self.approval_problems()
        if problems:
            raise RuleViolation(
                "the leadership breaks the rules: " + "; ".join(problems), {"reasons": problems}
            )
        self._record("EstablishmentApproved", {"on": when, "document_number": document_number})

    def _on_establishment_approved(self, data: dict[str, Any]) -> None:
        self.steps["establishment_approved"] = data

    def hold_founding_conference(
        self,
        on: dt.date,
        agenda_items: Sequence[Mapping[str, Any]],
        attendees: Sequence[str],
    ) -> None:
        """`agenda_items`: dicts of `kind` (AGENDA_ITEM_KINDS), optional `title`; a
        `bank_credit_signing` also names its `bank` and optionally `credit_amount_fen`."""
        when = self._check_step("founding_conference_held", on)
        items = [_agenda_item(raw) for raw in agenda_items]
        missing = [k for k in REQUIRED_AGENDA_ITEMS if k not in {i["kind"] for i in items}]
        if missing:
            raise InvalidInput.field("agenda_items", f"missing: {', '.join(missing)}")
        people = [v.text("attendees", a) for a in attendees]
        if not people:
            raise InvalidInput.field("attendees", "the conference needs attendees")
        self._record(
            "FoundingConferenceHeld", {"on": when, "agenda_items": items, "attendees": people}
        )

    def _on_founding_conference_held(self, data: dict[str, Any]) -> None:
        self.steps["founding_conference_held"] = data

    # ---- member units ----------------------------------------------------------------

    def add_member_unit(self, member_unit_id: str, name: str, department_type: str) -> None:
        v.require_created(self.exists, "committee", self.id)
        member_unit_id = v.text("member_unit_id", member_unit_id)
        if member_unit_id in self.member_units:
            raise RuleViolation("member unit already added", {"member_unit_id": member_unit_id})
        name = v.text("name", name)
        if any(u["name"] == name for u in self.member_units.values()):
            raise RuleViolation(f"a member unit named {name} exists", {"name": name})
        self._record(
            "MemberUnitAdded",
            {
                "member_unit_id": member_unit_id,
                "name": name,
                "department_type": v.choice("department_type", department_type, DEPARTMENT_TYPES),
            },
        )

    def _on_member_unit_added(self, data: dict[str, Any]) -> None:
        self.member_units[data["member_unit_id"]] = {
            "name": data["name"],
            "department_type": data["department_type"],
        }

    def remove_member_unit(self, member_unit_id: str) -> None:
        v.require_created(self.exists, "committee", self.id)
        if member_unit_id not in self.member_units:
            raise InvalidInput.field("member_unit_id", f"unknown member unit {member_unit_id}")
        holders = [
            pid
            for pid, d in self.deputy_secretaries.items()
            if d["member_unit_id"] == member_unit_id
        ]
        if holders:
            raise RuleViolation(
                "remove the deputy secretary from this member unit first",
                {"member_unit_id": member_unit_id, "deputy_secretaries": holders},
            )
        self._record("MemberUnitRemoved", {"member_unit_id": member_unit_id})

    def _on_member_unit_removed(self, data: dict[str, Any]) -> None:
        del self.member_units[data["member_unit_id"]]

    # ---- leadership ------------------------------------------------------------------

    def _check_person(self, person_id: str, name: str, on: dt.date) -> tuple[str, str, str]:
        v.require_created(self.exists, "committee", self.id)
        return v.text("person_id", person_id), v.text("name", name), v.day("on", on).isoformat()

    def appoint_secretary(
        self, person_id: str, name: str, from_county_league_committee: bool, on: dt.date
    ) -> None:
        person_id, name, when = self._check_person(person_id, name, on)
        if v.flag("from_county_league_committee", from_county_league_committee) is not True:
            raise InvalidInput.field(
                "from_county_league_committee",
                "the secretary must come from the county League committee",
            )
        if self.secretary is not None:
            raise RuleViolation(
                "a secretary is already appointed; remove them first",
                {"secretary_id": self.secretary["person_id"]},
            )
        self._record(
            "SecretaryAppointed",
            {
                "person_id": person_id,
                "name": name,
                "from_county_league_committee": True,
                "on": when,
            },
        )
        self._track_leadership(when)

    def _on_secretary_appointed(self, data: dict[str, Any]) -> None:
        self.secretary = dict(data)

    def remove_secretary(self, person_id: str, on: dt.date) -> None:
        v.require_created(self.exists, "committee", self.id)
        if self.secretary is None or self.secretary["person_id"] != person_id:
            raise InvalidInput.field("person_id", "is not the secretary")
        self._record(
            "SecretaryRemoved", {"person_id": person_id, "on": v.day("on", on).isoformat()}
        )
        self._track_leadership(on.isoformat())

    def _on_secretary_removed(self, data: dict[str, Any]) -> None:
        self.secretary = None

    def appoint_deputy_secretary(
        self,
        person_id: str,
        name: str,
        member_unit_id: str,
        office: str,
        is_office_head: bool,
        on: dt.date,
    ) -> None:
        person_id, name, when = self._check_person(person_id, name, on)
        office = v.text("office", office)
        if v.flag("is_office_head", is_office_head) is not True:
            raise InvalidInput.field(
                "is_office_head", "a deputy secretary must head a functional office"
            )
        if member_unit_id not in self.member_units:
            raise InvalidInput.field("member_unit_id", f"unknown member unit {member_unit_id}")
        if person_id in self.deputy_secretaries:
            raise RuleViolation("already a deputy secretary", {"person_id": person_id})
        for pid, d in self.deputy_secretaries.items():
            if d["member_unit_id"] == member_unit_id:
                raise RuleViolation(
                    "this member unit already has a deputy secretary",
                    {"member_unit_id": member_unit_id, "held_by": pid},
                )
        if len(self.deputy_secretaries) >= MAX_DEPUTY_SECRETARIES:
            raise RuleViolation(
                f"at most {MAX_DEPUTY_SECRETARIES} deputy secretaries",
                {"max_deputy_secretaries": MAX_DEPUTY_SECRETARIES},
            )
        self._record(
            "DeputySecretaryAppointed",
            {
                "person_id": person_id,
                "name": name,
                "member_unit_id": member_unit_id,
                "office": office,
                "is_office_head": True,
                "on": when,
            },
        )
        self._track_leadership(when)

    def _on_deputy_secretary_appointed(self, data: dict[str, Any]) -> None:
        self.deputy_secretaries[data["person_id"]] = dict(data)

    def remove_deputy_secretary(self, person_id: str, on: dt.date) -> None:
        v.require_created(self.exists, "committee", self.id)
        if person_id not in self.deputy_secretaries:
            raise InvalidInput.field("person_id", "is not a deputy secretary")
        self._record(
            "DeputySecretaryRemoved", {"person_id": person_id, "on": v.day("on", on).isoformat()}
        )
        self._track_leadership(on.isoformat())

    def _on_deputy_secretary_removed(self, data: dict[str, Any]) -> None:
        del self.deputy_secretaries[data["person_id"]]

    def appoint_committee_member(
        self,
        person_id: str,
        name: str,
        source: str,
        on: dt.date,
        cooperative_id: str | None = None,
        township: str | None = None,
    ) -> None:
        person_id, name, when = self._check_person(person_id, name, on)
        source = v.choice("source", source, COMMITTEE_MEMBER_SOURCES)
        if person_id in self.committee_members:
            raise RuleViolation("already a committee member", {"person_id": person_id})
        if source == "large_cooperative_league_leader" and not cooperative_id:
            raise InvalidInput.field("cooperative_id", "name the cooperative this leader leads")
        if source == "township_league_secretary" and not township:
            raise InvalidInput.field("township", "name the township")
        self._record(
            "CommitteeMemberAppointed",
            {
                "person_id": person_id,
                "name": name,
                "source": source,
                "cooperative_id": v.optional_text("cooperative_id", cooperative_id),
                "township": v.optional_text("township", township),
                "on": when,
            },
        )

    def _on_committee_member_appointed(self, data: dict[str, Any]) -> None:
        self.committee_members[data["person_id"]] = dict(data)

    def remove_committee_member(self, person_id: str, on: dt.date) -> None:
        v.require_created(self.exists, "committee", self.id)
        if person_id not in self.committee_members:
            raise InvalidInput.field("person_id", "is not a committee member")
        self._record(
            "CommitteeMemberRemoved", {"person_id": person_id, "on": v.day("on", on).isoformat()}
        )

    def _on_committee_member_removed(self, data: dict[str, Any]) -> None:
        del self.committee_members[data["person_id"]]
