"""Young entrepreneurs (致富骨干) and their credit applications (DOMAIN.md, credit flow).

The flow of an application, each step once and in this order (a step out of order is
refused, naming the step that is due):

    submitted -> prechecked (the League unit's pre-check: passed, or failed = declined)
              -> recommended (the working committee's recommendation)
              -> sent (to the bank: an event the gateway publishes to the bank)
              -> granted | refused (the bank's answer over the partner channel, matched by
                 the application reference the bank echoes back)

A young entrepreneur is under `max_age` (default 35: 35 and over is refused) and at least
`min_age` (default 18, the age to borrow) on the day of registration and of the
application; the age comes from the resident ID's birth date (GB 11643).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, RuleViolation
from eventkit.identifiers import resident_id_birth_date, resident_id_problem
from services.funding.contract.enums import APPLICATION_STATUSES, PRECHECK_OUTCOMES

from .common import require_fen, require_text

ENTREPRENEUR_MIN_AGE = 18
ENTREPRENEUR_MAX_AGE = 35  # exclusive: a person aged 35 or more is not a young entrepreneur
MAX_TERM_MONTHS = 360

# the step each status waits for (None: the application is closed)
DUE_STEP: dict[str, str | None] = {
    "submitted": "precheck",
    "prechecked": "recommendation",
    "recommended": "sending",
    "sent": "bank_answer",
    "declined": None,
    "granted": None,
    "refused": None,
}
assert set(DUE_STEP) == set(APPLICATION_STATUSES)

# the status each event of an application leads to (ApplicationPrechecked: by its outcome)
_STATUS_AFTER = {
    "ApplicationSubmitted": "submitted",
    "ApplicationRecommended": "recommended",
    "ApplicationSentToBank": "sent",
    "ApplicationGranted": "granted",
    "ApplicationRefused": "refused",
}


def status_after(event_type: str, data: dict[str, Any]) -> str:
    """The one definition of an application's status after one of its events (the aggregate
    and the read model apply it)."""
    if event_type == "ApplicationPrechecked":
        return "prechecked" if data["outcome"] == "passed" else "declined"
    return _STATUS_AFTER[event_type]


def age_on(birth: dt.date, day: dt.date) -> int:
    """Full years of a person born on `birth` on `day` (29 Feb birthdays: 1 March)."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def young_entrepreneur_problem(birth: dt.date, day: dt.date, *, min_age: int = ENTREPRENEUR_MIN_AGE,
                               max_age: int = ENTREPRENEUR_MAX_AGE) -> str | None:
    """Why a person born on `birth` is not a young entrepreneur on `day` (None: they are)."""
    age = age_on(birth, day)
    if age >= max_age:
        return f"must be under {max_age} (aged {age} on {day.isoformat()})"
    if age < min_age:
        return f"must be at least {min_age} (aged {age} on {day.isoformat()})"
    return None


class YoungEntrepreneur(Aggregate):
    """One young entrepreneur of a cooperative, registered through its League unit."""

    stream_prefix = "entrepreneur"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.birth_date: dt.date | None = None
        self.cooperative_id: str | None = None
        self.unit_id: str | None = None
        self.id_key: str | None = None

    def register(self, name: str, id_number: str, phone: str | None, cooperative_id: str,
                 unit_id: str, registered_on: dt.date, *, id_key: str,
                 min_age: int = ENTREPRENEUR_MIN_AGE,
                 max_age: int = ENTREPRENEUR_MAX_AGE) -> None:
        if self.exists:
            raise RuleViolation(f"young entrepreneur {self.id} is already registered")
        number = require_text("id_number", id_number).upper()
        if (problem := resident_id_problem(number)) is not None:
            raise InvalidInput.field("id_number", problem)
        birth = resident_id_birth_date(number)
        if (problem := young_entrepreneur_problem(birth, registered_on, min_age=min_age,
                                                  max_age=max_age)) is not None:
            raise InvalidInput.field("id_number", f"a young entrepreneur {problem}")
        self._record("EntrepreneurRegistered", {
            "name": require_text("name", name),
            "id_number": number,
            "id_last4": number[-4:],
            "id_key": require_text("id_key", id_key),
            "birth_date": birth.isoformat(),
            "phone": phone.strip() if phone and phone.strip() else None,
            "cooperative_id": require_text("cooperative_id", cooperative_id),
            "unit_id": require_text("unit_id", unit_id),
            "registered_on": registered_on.isoformat(),
        })

    def _on_entrepreneur_registered(self, data: dict[str, Any]) -> None:
        birth = data.get("birth_date")
        self.birth_date = dt.date.fromisoformat(birth) if isinstance(birth, str) and \
            len(birth) == 10 and birth[:4].isdigit() else None  # erased: None
        self.cooperative_id = data["cooperative_id"]
        self.unit_id = data["unit_id"]
        self.id_key = data["id_key"]


class CreditApplication(Aggregate):
    """One credit application of a young entrepreneur to a bank (a partner).

    The application id is the reference the bank echoes back (`application_ref`)."""

    stream_prefix = "application"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.status = "new"
        self.entrepreneur_id: str | None = None
        self.partner_id: str | None = None
        self.unit_id: str | None = None
        self.cooperative_id: str | None = None
        self.applicant_id_key: str | None = None
        self.submitted_on: dt.date | None = None
        self.last_step_on: dt.date | None = None
        self.recommended_by_unit: str | None = None
        self.amount_fen = 0
        self._term = 0
        self._purpose = ""
        self.message_ids: set[str] = set()

    # ------------------------------------------------------------------ League steps
    def submit(self, *, entrepreneur: YoungEntrepreneur, partner_id: str, amount_fen: int,
               term_months: int, purpose: str, submitted_on: dt.date,
               min_age: int = ENTREPRENEUR_MIN_AGE, max_age: int = ENTREPRENEUR_MAX_AGE) -> None:
        if self.exists:
            raise RuleViolation(f"application {self.id} is already submitted")
        if not entrepreneur.exists or entrepreneur.unit_id is None:
            raise InvalidInput.field("entrepreneur_id", "is not a registered young entrepreneur")
        if entrepreneur.birth_date is None:
            raise RuleViolation("the young entrepreneur's personal data is erased")
        if (problem := young_entrepreneur_problem(entrepreneur.birth_date, submitted_on,
                                                  min_age=min_age, max_age=max_age)):
            raise InvalidInput.field("entrepreneur_id", f"the applicant {problem}")
        if not 1 <= term_months <= MAX_TERM_MONTHS:
            raise InvalidInput.field("term_months", f"must be between 1 and {MAX_TERM_MONTHS}")
        self._record("ApplicationSubmitted", {
            "entrepreneur_id": entrepreneur.id,
            "partner_id": require_text("partner_id", partner_id),
            "unit_id": entrepreneur.unit_id,
            "cooperative_id": entrepreneur.cooperative_id,
            "applicant_id_key": entrepreneur.id_key,
            "amount_fen": require_fen("amount_fen", amount_fen),
            "term_months": term_months,
            "purpose": require_text("purpose", purpose),
            "submitted_on": submitted_on.isoformat(),
        })

    def precheck(self, outcome: str, checked_on: dt.date, note: str | None = None) -> None:
        """The applicant's League unit checks the application (passed, or failed: declined)."""
        self._require_step("precheck")
        if outcome not in PRECHECK_OUTCOMES:
            raise InvalidInput.field("outcome", f"must be one of {', '.join(PRECHECK_OUTCOMES)}")
        if outcome == "failed" and not (note and note.strip()):
            raise InvalidInput.field("note", "a failed pre-check says why")
        self._not_before("checked_on", checked_on)
        self._record("ApplicationPrechecked", {
            "unit_id": self.unit_id, "outcome": outcome, "checked_on": checked_on.isoformat(),
            "note": note.strip() if note and note.strip() else None,
        })

    def recommend(self, unit_id: str, unit_kind: str, recommended_on: dt.date,
                  note: str | None = None) -> None:
        """The working committee (团工委) recommends the applicant to the bank."""
        self._require_step("recommendation")
        if unit_kind != "working_committee":
            raise InvalidInput.field("unit_id", "the recommendation is the working committee's"
                                     f" (团工委), not a {unit_kind}'s")
        self._not_before("recommended_on", recommended_on)
        self._record("ApplicationRecommended", {
            "unit_id": require_text("unit_id", unit_id),
            "recommended_on": recommended_on.isoformat(),
            "note": note.strip() if note and note.strip() else None,
        })

    def send(self, sent_on: dt.date, cooperative_uscc: str | None) -> None:
        """Sent to the bank: the event the gateway publishes to it (no personal data: the
        applicant brings the reference to the bank)."""
        self._require_step("sending")
        self._not_before("sent_on", sent_on)
        self._record("ApplicationSentToBank", {
            "application_ref": self.id,
            "partner_id": self.partner_id,
            "unit_id": self.unit_id,
            "recommended_by_unit": self.recommended_by_unit,
            "cooperative_id": self.cooperative_id,
            "cooperative_uscc": cooperative_uscc,
            "amount_fen": self.amount_fen,
            "term_months": self._term,
            "purpose": self._purpose,
            "sent_on": sent_on.isoformat(),
        })

    # ------------------------------------------------------------------ the bank's answer
    def check_answer(self, partner_id: str, beneficiary: dict[str, Any] | None = None) -> None:
        """May `partner_id` answer this application now? RuleViolation says why not (the
        message is dead-lettered with it). Records nothing."""
        if not self.exists:
            raise InvalidInput.field("application_ref", f"unknown application {self.id!r}")
        if partner_id != self.partner_id:
            raise RuleViolation(f"application {self.id} was not sent to partner {partner_id!r}",
                                {"application_ref": self.id})
        if self.status != "sent":
            raise RuleViolation(f"application {self.id} is {self.status}, not awaiting the"
                                " bank's answer", {"status": self.status})
        if beneficiary is None:
            return
        if beneficiary.get("kind") == "person" and \
                beneficiary.get("id_key") != self.applicant_id_key:
            raise RuleViolation(f"the beneficiary is not the applicant of application {self.id}")
        if beneficiary.get("kind") == "cooperative" and \
                beneficiary.get("cooperative_id") != self.cooperative_id:
            raise RuleViolation(f"the beneficiary is not the applicant's cooperative"
                                f" (application {self.id})")

    def bank_granted(self, partner_id: str, message_id: str, grant_id: str, amount_fen: int,
                     granted_at: str) -> str:
        if message_id in self.message_ids:
            return "duplicate"
        self.check_answer(partner_id)
        self._record("ApplicationGranted", {
            "message_id": require_text("message_id", message_id), "partner_id": partner_id,
            "grant_id": require_text("grant_id", grant_id),
            "grant_key": f"{partner_id}.{grant_id}",
            "amount_fen": require_fen("amount_fen", amount_fen), "granted_at": granted_at,
        })
        return "applied"

    def bank_refused(self, partner_id: str, message_id: str, reason: str,
                     refused_at: str) -> str:
        if message_id in self.message_ids:
            return "duplicate"
        self.check_answer(partner_id)
        self._record("ApplicationRefused", {
            "message_id": require_text("message_id", message_id), "partner_id": partner_id,
            "reason": require_text("reason", reason), "refused_at": refused_at,
        })
        return "applied"

    # ------------------------------------------------------------------ helpers
    def _require_step(self, step: str) -> None:
        if not self.exists:
            raise InvalidInput.field("application_id", "no such application")
        due = DUE_STEP[self.status]
        if due != step:
            raise RuleViolation(
                f"application {self.id} is {self.status}: "
                + (f"the {due} is due first" if due else "it is closed"),
                {"status": self.status, "due_step": due})

    def _not_before(self, name: str, day: dt.date) -> None:
        if self.last_step_on is not None and day < self.last_step_on:
            raise InvalidInput.field(name, f"is before the previous step"
                                     f" ({self.last_step_on.isoformat()})")

    # ------------------------------------------------------------------ apply events
    def _on_application_submitted(self, d: dict[str, Any]) -> None:
        self.status = status_after("ApplicationSubmitted", d)
        self.entrepreneur_id = d["entrepreneur_id"]
        self.partner_id = d["partner_id"]
        self.unit_id = d["unit_id"]
        self.cooperative_id = d["cooperative_id"]
        self.applicant_id_key = d["applicant_id_key"]
        self.amount_fen = d["amount_fen"]
        self._term = d["term_months"]
        self._purpose = d["purpose"]
        self.submitted_on = self.last_step_on = dt.date.fromisoformat(d["submitted_on"])

    def _on_application_prechecked(self, d: dict[str, Any]) -> None:
        self.status = status_after("ApplicationPrechecked", d)
        self.last_step_on = dt.date.fromisoformat(d["checked_on"])

    def _on_application_recommended(self, d: dict[str, Any]) -> None:
        self.status = status_after("ApplicationRecommended", d)
        self.recommended_by_unit = d["unit_id"]
        self.last_step_on = dt.date.fromisoformat(d["recommended_on"])

    def _on_application_sent_to_bank(self, d: dict[str, Any]) -> None:
        self.status = status_after("ApplicationSentToBank", d)
        self.last_step_on = dt.date.fromisoformat(d["sent_on"])

    def _on_application_granted(self, d: dict[str, Any]) -> None:
        self.status = status_after("ApplicationGranted", d)
        self.message_ids.add(d["message_id"])

    def _on_application_refused(self, d: dict[str, Any]) -> None:
        self.status = status_after("ApplicationRefused", d)
        self.message_ids.add(d["message_id"])
