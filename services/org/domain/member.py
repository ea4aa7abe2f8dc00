"""League members (团员) and young people (青年), their transfers, roles and over-age exit.

Transfers are modelled on the member, not as a separate aggregate: at most one transfer is
pending at a time (`pending_transfer`), the member stays in the sending unit (`unit_id`) until
the receiving unit approves, and a rejection leaves everything as it was. That keeps the
"stays until approved" rule a one-stream decision with no cross-aggregate consistency.
Approval ends the member's posts in the sending unit on the approval date.

Posts (roles) are active from `start` until `end` (exclusive; None = open). Over-age
(超龄离团): a League member aged 28 or more with no post still open leaves the League; the exit
is dated on the 28th birthday, or on the day the last post ended if that is later (a member
holding a post stays until it ends), and never before the registration date.

Resident ID numbers and phones are stored whole in events (the store is the record); views
mask them and logs must never carry event data of this aggregate.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, RuleViolation
from eventkit.identifiers import resident_id_birth_date, resident_id_problem, resident_id_sex
from services.org.contract.enums import (  # noqa: F401 - the contract's enums
    MEMBER_KINDS as KINDS,
)
from services.org.contract.enums import (
    ROLES,
    SEXES,
)

from . import values as v

MIN_AGE = 14
LEAGUE_MAX_AGE = 28  # League constitution: 14-28; at 28 without a post one leaves
YOUTH_MAX_AGE = 35
_PHONE = re.compile(r"^(1[0-9]{10}|0[0-9]{2,3}-?[0-9]{7,8})\Z")  # mobile or landline with area code


def aged_out_on(birth_date: dt.date) -> dt.date:
    """The 28th birthday (1 March in a common year for someone born on 29 February)."""
    return v.add_years(birth_date, LEAGUE_MAX_AGE)


def age_out_candidates_born_by(on: dt.date) -> dt.date:
    """Members born on or before this date may have reached the League's age limit by `on`
    (a pre-filter for the read model; `Member.age_out` decides each one)."""
    try:
        return on.replace(year=on.year - LEAGUE_MAX_AGE)
    except ValueError:  # 29 February: the common year's last February day
        return dt.date(on.year - LEAGUE_MAX_AGE, 2, 28)


def age_problem(kind: str, birth_date: dt.date, on: dt.date) -> str | None:
    """Why someone born on `birth_date` cannot be registered as `kind` on `on`."""
    age = v.age_on(birth_date, on)
    if kind == "league_member":
        # League constitution (issue 12): admission from the 14th birthday up to, not
        # including, the 28th; at 28 one leaves (超龄离团), so nobody registers at 28.
        if not MIN_AGE <= age < LEAGUE_MAX_AGE:
            return (f"a League member is admitted from {MIN_AGE} up to (not including) the "
                    f"{LEAGUE_MAX_AGE}th birthday (入团年龄14周岁以上、未满28周岁); this person is "
                    f"{age} on {on.isoformat()}")
        return None
    if not MIN_AGE <= age <= YOUTH_MAX_AGE:
        return (f"a young person is {MIN_AGE}-{YOUTH_MAX_AGE} years old; this person is {age} "
                f"on {on.isoformat()}")
    return None


SELF_LAPSE_DECISIONS: tuple[str, ...] = ("good_reason", "lapsed")


def _month_end(month: str) -> dt.date:
    year, mon = (int(x) for x in month.split("-"))
    nxt = dt.date(year + (mon == 12), mon % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def self_lapse_grounds(
    joined_on: dt.date, last_dues_month: str | None, last_life_on: dt.date | None,
    as_of: dt.date, months: int = 6,
) -> list[str]:
    """Why a League member is due for the 自行脱团 procedure on `as_of` (empty: not due).

    League constitution: without good reason, `months` (6) months in a row without paying
    dues or without taking part in organizational life. Both clocks start at the join date
    at the earliest (a new member is not lapsed); the run is started by the county (no
    timer), and the branch decides, so a good reason found there closes the procedure."""
    limit = v.add_months(as_of, -months)
    grounds = []
    paid = max(joined_on, _month_end(last_dues_month)) if last_dues_month else joined_on
    if paid <= limit:
        grounds.append("dues")
    life = max(joined_on, last_life_on) if last_life_on else joined_on
    if life <= limit:
        grounds.append("organizational_life")
    return grounds


def _role_open(role: dict[str, Any], today: dt.date) -> bool:
    return role["end"] is None or v.parse_req(role["end"]) > today


class Member(Aggregate):
    stream_prefix = "member"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.kind = ""
        self.name = ""
        self.sex = ""
        self.ethnicity = ""
        self.resident_id = ""
        self.birth_date: dt.date | None = None
        self.phone: str | None = None
        self.education: str | None = None
        self.occupation: str | None = None
        self.cooperative_id: str | None = None
        self.unit_id = ""
        self.join_date: dt.date | None = None
        self.registered_on: dt.date | None = None
        self.status = "active"
        self.status_since: dt.date | None = None
        self.pending_transfer: dict[str, Any] | None = None
        self.roles: dict[str, dict[str, Any]] = {}
        # an open 自行脱团 procedure: {"started_on", "last_dues_month", "last_life_on", ...}
        self.self_lapse: dict[str, Any] | None = None

    # ---- queries ---------------------------------------------------------------------

    def open_roles(self, today: dt.date) -> list[dict[str, Any]]:
        return [r for r in self.roles.values() if _role_open(r, today)]

    def age_on(self, day: dt.date) -> int:
        assert self.birth_date is not None
        return v.age_on(self.birth_date, day)

    def age_out_date(self, today: dt.date) -> dt.date | None:
        """When this member left or leaves for over-age as of `today`, or None if not due."""
        if self.kind != "league_member" or self.status != "active" or self.birth_date is None:
            return None
        birthday = aged_out_on(self.birth_date)
        if today < birthday or self.open_roles(today):
            return None
        ends = [v.parse_req(r["end"]) for r in self.roles.values() if r["end"] is not None]
        assert self.registered_on is not None
        return max([birthday, self.registered_on, *ends])

    def _require_active(self) -> None:
        v.require_created(self.exists, "member", self.id)
        if self.status != "active":
            raise RuleViolation(
                f"member is {self.status}",
                {"rule": "member_not_active", "member_status": self.status},
            )

    # ---- registration ----------------------------------------------------------------

    def register(
        self,
        *,
        kind: str,
        name: str,
        ethnicity: str,
        resident_id: str,
        unit_id: str,
        join_date: dt.date,
        registered_on: dt.date,
        sex: str | None = None,
        birth_date: dt.date | None = None,
        phone: str | None = None,
        education: str | None = None,
        occupation: str | None = None,
        cooperative_id: str | None = None,
    ) -> None:
        """`registered_on` is today; `unit_id` must be an active unit (the service checks it
        with tree_rules.check_accepts_children). Sex and birth date come from the ID number;
        when given they must agree with it."""
        if self.exists:
            raise RuleViolation("member already registered", {"id": self.id})
        kind = v.choice("kind", kind, KINDS)
        if not isinstance(resident_id, str):
            raise InvalidInput.field("resident_id", "is required")
        resident_id = resident_id.strip().upper()
        problem = resident_id_problem(resident_id)
        if problem:
            raise InvalidInput.field("resident_id", problem)
        derived_birth = resident_id_birth_date(resident_id)
        derived_sex = resident_id_sex(resident_id)
        if birth_date is not None and v.day("birth_date", birth_date) != derived_birth:
            raise InvalidInput.field("birth_date", "does not match the resident ID number")
        if sex is not None and v.choice("sex", sex, SEXES) != derived_sex:
            raise InvalidInput.field("sex", "does not match the resident ID number")
        v.day("registered_on", registered_on)
        if derived_birth > registered_on:
            raise InvalidInput.field("resident_id", "birth date is in the future")
        age = age_problem(kind, derived_birth, registered_on)
        if age:
            raise InvalidInput.field("birth_date", age)
        v.day("join_date", join_date)
        if join_date > registered_on:
            raise InvalidInput.field("join_date", "may not be in the future")
        if kind == "league_member" and join_date < v.add_years(derived_birth, MIN_AGE):
            raise InvalidInput.field(
                "join_date", f"one joins the League at {MIN_AGE} at the earliest"
            )
        if kind == "league_member" and join_date >= aged_out_on(derived_birth):
            raise InvalidInput.field(
                "join_date", f"one joins the League before the {LEAGUE_MAX_AGE}th birthday"
            )
        if join_date < derived_birth:
            raise InvalidInput.field("join_date", "is before the birth date")
        if phone is not None:
            if not isinstance(phone, str):
                raise InvalidInput.field("phone", "must be text")
            phone = phone.strip().replace(" ", "")
            if not _PHONE.match(phone):
                raise InvalidInput.field("phone", "must be an 11-digit mobile or a landline number")
        self._record(
            "MemberRegistered",
            {
                "kind": kind,
                "name": v.text("name", name),
                "sex": derived_sex,
                "ethnicity": v.text("ethnicity", ethnicity),
                "resident_id": resident_id,
                "birth_date": derived_birth.isoformat(),
                "phone": phone,
                "education": v.optional_text("education", education),
                "occupation": v.optional_text("occupation", occupation),
                "cooperative_id": v.optional_text("cooperative_id", cooperative_id),
                "unit_id": v.text("unit_id", unit_id),
                "join_date": join_date.isoformat(),
                "registered_on": registered_on.isoformat(),
            },
        )

    def _on_member_registered(self, data: dict[str, Any]) -> None:
        self.kind = data["kind"]
        self.name = data["name"]
        self.sex = data["sex"]
        self.ethnicity = data["ethnicity"]
        self.resident_id = data["resident_id"]
        # None once the member's personal data are erased (eventkit/personal.py)
        self.birth_date = v.parse_req(data["birth_date"]) if data["birth_date"] else None
        self.phone = data["phone"]
        self.education = data["education"]
        self.occupation = data["occupation"]
        self.cooperative_id = data["cooperative_id"]
        self.unit_id = data["unit_id"]
        self.join_date = v.parse_req(data["join_date"])
        self.registered_on = v.parse_req(data["registered_on"])
        self.status_since = self.registered_on

    # ---- transfers -------------------------------------------------------------------

    def request_transfer(self, transfer_id: str, to_unit_id: str, on: dt.date) -> None:
        """Requested by the sending unit. The receiving unit must be active (service checks)."""
        self._require_active()
        if self.pending_transfer is not None:
            raise RuleViolation(
                "a transfer is already pending",
                {"transfer_id": self.pending_transfer["transfer_id"]},
            )
        to_unit_id = v.text("to_unit_id", to_unit_id)
        if to_unit_id == self.unit_id:
            raise InvalidInput.field("to_unit_id", "the member is already in that unit")
        self._record(
            "TransferRequested",
            {
                "transfer_id": v.text("transfer_id", transfer_id),
                "from_unit_id": self.unit_id,
                "to_unit_id": to_unit_id,
                "on": v.day("on", on).isoformat(),
            },
        )

    def _on_transfer_requested(self, data: dict[str, Any]) -> None:
        self.pending_transfer = dict(data)

    def _pending(self, transfer_id: str, on: dt.date) -> dict[str, Any]:
        self._require_active()
        pending = self.pending_transfer
        if pending is None or pending["transfer_id"] != transfer_id:
            raise RuleViolation("no such pending transfer", {"transfer_id": transfer_id})
        if v.day("on", on) < v.parse_req(pending["on"]):
            raise InvalidInput.field("on", "is before the request")
        return pending

    def approve_transfer(self, transfer_id: str, on: dt.date) -> None:
        """By the receiving unit; the member's posts in the sending unit end on `on`."""
        pending = self._pending(transfer_id, on)
        ended = sorted(
            rid
            for rid, r in self.roles.items()
            if r["unit_id"] == pending["from_unit_id"] and _role_open(r, on)
        )
        self._record(
            "TransferApproved",
            {
                "transfer_id": transfer_id,
                "from_unit_id": pending["from_unit_id"],
                "to_unit_id": pending["to_unit_id"],
                "ended_role_ids": ended,
                "on": on.isoformat(),
            },
        )

    def _on_transfer_approved(self, data: dict[str, Any]) -> None:
        self.unit_id = data["to_unit_id"]
        self.pending_transfer = None
        for rid in data["ended_role_ids"]:
            self.roles[rid]["end"] = data["on"]

    def reject_transfer(self, transfer_id: str, on: dt.date, reason: str) -> None:
        self._pending(transfer_id, on)
        self._record(
            "TransferRejected",
            {
                "transfer_id": transfer_id,
                "reason": v.text("reason", reason, max_len=2000),
                "on": on.isoformat(),
            },
        )

    def _on_transfer_rejected(self, data: dict[str, Any]) -> None:
        self.pending_transfer = None

    def reassign(self, to_unit_id: str, on: dt.date, reason: str) -> None:
        """Moved by an organizational change (its unit merged), not by a transfer."""
        self._require_active()
        to_unit_id = v.text("to_unit_id", to_unit_id)
        if to_unit_id == self.unit_id:
            raise InvalidInput.field("to_unit_id", "the member is already in that unit")
        self._record(
            "MemberReassigned",
            {
                "from_unit_id": self.unit_id,
                "to_unit_id": to_unit_id,
                "reason": v.text("reason", reason, max_len=2000),
                "on": v.day("on", on).isoformat(),
            },
        )

    def _on_member_reassigned(self, data: dict[str, Any]) -> None:
        self.unit_id = data["to_unit_id"]
        if self.pending_transfer is not None:
            # The request now leaves from the unit the member is in.
            self.pending_transfer["from_unit_id"] = data["to_unit_id"]

    # ---- roles -----------------------------------------------------------------------

    def assign_role(
        self, role_id: str, role: str, unit_id: str, start: dt.date, end: dt.date | None = None
    ) -> None:
        self._require_active()
        role_id = v.text("role_id", role_id)
        if role_id in self.roles:
            raise RuleViolation("role id already used", {"role_id": role_id})
        role = v.choice("role", role, ROLES)
        v.day("start", start)
        if end is not None and v.day("end", end) <= start:
            raise InvalidInput.field("end", "must be after the start")
        for rid, r in self.roles.items():
            if r["role"] == role and r["unit_id"] == unit_id and _role_open(r, start):
                raise RuleViolation(
                    "the member already holds this post", {"role_id": rid, "role": role}
                )
        self._record(
            "RoleAssigned",
            {
                "role_id": role_id,
                "role": role,
                "unit_id": v.text("unit_id", unit_id),
                "start": start.isoformat(),
                "end": v.iso(end),
            },
        )

    def _on_role_assigned(self, data: dict[str, Any]) -> None:
        self.roles[data["role_id"]] = {
            "role": data["role"],
            "unit_id": data["unit_id"],
            "start": data["start"],
            "end": data["end"],
        }

    def end_role(self, role_id: str, end: dt.date) -> None:
        v.require_created(self.exists, "member", self.id)
        role = self.roles.get(role_id)
        if role is None:
            raise InvalidInput.field("role_id", "unknown role")
        if role["end"] is not None and v.parse_req(role["end"]) <= v.day("end", end):
            raise RuleViolation("the role already ends by then", {"end": role["end"]})
        if v.day("end", end) <= v.parse_req(role["start"]):
            raise InvalidInput.field("end", "must be after the start")
        self._record("RoleEnded", {"role_id": role_id, "end": end.isoformat()})

    def _on_role_ended(self, data: dict[str, Any]) -> None:
        self.roles[data["role_id"]]["end"] = data["end"]

    # ---- leaving ---------------------------------------------------------------------

    def age_out(self, today: dt.date) -> bool:
        """Daily timer: record over-age exit when due. Returns whether it was recorded."""
        v.require_created(self.exists, "member", self.id)
        when = self.age_out_date(v.day("today", today))
        if when is None:
            return False
        self._record("MemberAgedOut", {"on": when.isoformat(), "unit_id": self.unit_id})
        return True

    def _on_member_aged_out(self, data: dict[str, Any]) -> None:
        self.status = "aged_out"
        self.status_since = v.parse_req(data["on"])
        self.pending_transfer = None

    def leave(self, on: dt.date, reason: str) -> None:
        self._require_active()
        when = v.day("on", on)
        open_roles = sorted(rid for rid, r in self.roles.items() if _role_open(r, when))
        self._record(
            "MemberLeft",
            {
                "reason": v.text("reason", reason, max_len=2000),
                "ended_role_ids": open_roles,
                "on": when.isoformat(),
                "unit_id": self.unit_id,
            },
        )

    def _on_member_left(self, data: dict[str, Any]) -> None:
        self.status = "left"
        self.status_since = v.parse_req(data["on"])
        self.pending_transfer = None
        for rid in data["ended_role_ids"]:
            self.roles[rid]["end"] = data["on"]

    # ---- 自行脱团 (issue 12) ----------------------------------------------------------------

    def start_self_lapse(
        self, on: dt.date, last_dues_month: str | None, last_life_on: dt.date | None,
        months: int,
    ) -> bool:
        """Open the procedure when due (the branch is told: the event names its unit).
        Returns whether it was opened (not for a young person, not twice, not when not due)."""
        v.require_created(self.exists, "member", self.id)
        if self.kind != "league_member" or self.status != "active" or self.self_lapse:
            return False
        assert self.join_date is not None
        grounds = self_lapse_grounds(self.join_date, last_dues_month, last_life_on,
                                     v.day("on", on), months)
        if not grounds:
            return False
        self._record("SelfLapseProcedureStarted", {
            "on": on.isoformat(), "unit_id": self.unit_id, "grounds": grounds,
            "last_dues_month": last_dues_month, "last_life_on": v.iso(last_life_on),
            "months": months})
        return True

    def _on_self_lapse_procedure_started(self, data: dict[str, Any]) -> None:
        self.self_lapse = {"started_on": data["on"], "grounds": list(data["grounds"]),
                           "last_dues_month": data["last_dues_month"],
                           "last_life_on": data["last_life_on"]}

    def decide_self_lapse(self, decision: str, on: dt.date, note: str | None = None) -> None:
        """The branch decides: a good reason closes the procedure; lapsed (自行脱团) ends the
        membership (MemberLeft), so the member leaves every count."""
        self._require_active()
        if self.self_lapse is None:
            raise RuleViolation("no 自行脱团 procedure is open for this member",
                                {"rule": "no_self_lapse_procedure"})
        decision = v.choice("decision", decision, SELF_LAPSE_DECISIONS)
        when = v.day("on", on)
        if when < v.parse_req(self.self_lapse["started_on"]):
            raise InvalidInput.field("on", "is before the procedure started")
        note = v.optional_text("note", note, max_len=2000)
        self._record("SelfLapseDecided", {"decision": decision, "on": when.isoformat(),
                                          "note": note, "unit_id": self.unit_id})
        if decision == "lapsed":
            self.leave(when, "自行脱团" + (f": {note}" if note else ""))

    def _on_self_lapse_decided(self, data: dict[str, Any]) -> None:
        self.self_lapse = None
