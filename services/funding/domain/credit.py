"""Credit grants pushed by partners (banks, the supply co-op) and their loans.

Partner bodies (API.md section 3) are checked by `validate_partner_body`, which answers the
parsed body or a rejection reason (the service dead-letters with it).

Out-of-order events are held, never rejected nor lost, in two places:

* `CreditGrant` (one stream per partner grant) holds `loan.disbursed` and `credit.revoked`
  that arrive before `credit.granted` (state `awaiting_grant`), and `loan.repaid` /
  `loan.overdue` routed to it for a loan it does not know yet. Held events are applied, in
  arrival order, as soon as what they wait for is recorded, in the same stream (atomic).
  A held event that breaks a rule once applied (e.g. a disbursement above the grant) is
  recorded as `PartnerEventRefused`: visible, not lost, not retried.
* `loan.repaid` and `loan.overdue` carry no grant id. When the service does not know the
  loan yet, it parks them in `PendingLoanEvents` (one stream per partner loan). After a
  `LoanDisbursed` is recorded, the service feeds the parked events of that loan to the
  grant *first* and releases them from the pending stream *afterwards*: a crash in between
  only repeats message ids, which `CreditGrant.receive` ignores.

A person's resident id never reaches an aggregate: `resolve_beneficiary` replaces it by a
keyed hash (`person_key`) and its last 4 characters (and the birth year, for the "young
entrepreneurs served" view).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, RuleViolation
from services.funding.contract.enums import (  # noqa: F401 - the contract's enums
    GUARANTEES,
    PARTNER_EVENT_TYPES,
)
from services.funding.domain.beneficiary import (  # noqa: F401 - importable from here too
    CooperativeRef,
    person_key,
    resolve_beneficiary,
)
from services.funding.domain.partner_messages import (  # noqa: F401 - importable from here too
    MAX_ID_LENGTH,
    MAX_RATE_BP,
    MAX_TERM_MONTHS,
    UNKNOWN_BENEFICIARY,
    validate_partner_body,
)

from .common import require_aware, require_text, utc_iso


# ----------------------------------------------------------------- aggregates
def grant_aggregate_id(partner_id: str, grant_id: str) -> str:
    """Partner ids have no '.' (they head the routing key), so this is unambiguous."""
    if "." in partner_id:
        raise InvalidInput.field("partner_id", "must not contain '.'")
    return f"{partner_id}.{grant_id}"


_GRANT_KEYED = ("loan.disbursed", "credit.revoked")
_LOAN_KEYED = ("loan.repaid", "loan.overdue")


class CreditGrant(Aggregate):
    """One partner grant (aggregate id = `grant_aggregate_id(partner_id, grant_id)`)."""

    stream_prefix = "grant"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.partner_id, _, self.grant_id = aggregate_id.partition(".")
        self.recommendation: dict[str, Any] | None = None
        self.granted: dict[str, Any] | None = None
        self.revoked: dict[str, Any] | None = None
        self.loans: dict[str, dict[str, Any]] = {}
        self.held: dict[str, dict[str, Any]] = {}  # message id -> held event, arrival order
        self.refused: dict[str, dict[str, Any]] = {}
        self.message_ids: set[str] = set()

    # ------------------------------------------------------------------ queries
    @property
    def status(self) -> str:
        return grant_status(revoked=self.revoked is not None, granted=self.granted is not None,
                            held=bool(self.held), recommended=bool(self.recommendation),
                            loans=self.loans.values())

    def disbursed_fen(self) -> int:
        return sum(loan["amount_fen"] for loan in self.loans.values())

    def undisbursed_fen(self) -> int:
        if self.granted is None or self.revoked is not None:
            return 0
        return int(self.granted["amount_fen"]) - self.disbursed_fen()

    def outstanding_fen(self) -> int:
        return sum(loan["outstanding_fen"] for loan in self.loans.values())

    def loan_outstanding_fen(self, loan_id: str) -> int:
        return int(self.loans[loan_id]["outstanding_fen"])

    # ----------------------------------------------------------------- commands
    def recommend(self, unit_id: str, recommended_on: dt.date, note: str | None = None) -> None:
        """A League unit's pre-check and recommendation, before the bank grants."""
        if self.granted is not None:
            raise RuleViolation("the credit is already granted", {"grant_status": self.status})
        if self.recommendation is not None:
            raise RuleViolation(
                "the grant is already recommended",
                {"recommended_by_unit": self.recommendation["unit_id"]},
            )
        self._record(
            "GrantRecommended",
            {
                "partner_id": self.partner_id,
                "grant_id": self.grant_id,
                "unit_id": require_text("unit_id", unit_id),
                "recommended_on": recommended_on.isoformat(),
                "note": note.strip() if note and note.strip() else None,
            },
        )

    def receive(
        self, message_id: str, event_type: str, body: dict[str, Any], received_at: dt.datetime
    ) -> str:
        """Apply a validated partner event; answers "applied", "held" or "duplicate".

        `body` is the output of `validate_partner_body`, with the beneficiary of a
        credit.granted replaced by `resolve_beneficiary`'s answer. Raises RuleViolation
        when the event contradicts the grant (the service dead-letters it).
        """
        require_text("message_id", message_id)
        require_aware("received_at", received_at)
        if message_id in self.message_ids:
            return "duplicate"
        if event_type not in PARTNER_EVENT_TYPES:
            raise InvalidInput.field("event_type", f"unknown partner event {event_type!r}")
        if "grant_id" in body and body["grant_id"] != self.grant_id:
            raise InvalidInput.field("grant_id", "does not belong to this grant stream")
        if event_type == "credit.granted":
            if "id_number" in body["beneficiary"]:
                raise InvalidInput.field(
                    "beneficiary", "resolve the beneficiary first: never store an id number"
                )
            self._apply(message_id, event_type, body)
            self._release_ready()
            return "applied"
        if not self._ready(event_type, body):
            self._record(
                "PartnerEventHeld",
                {
                    "message_id": message_id,
                    "event_type": event_type,
                    "body": dict(body),
                    "received_at": utc_iso(received_at),
                },
            )
            return "held"
        self._apply(message_id, event_type, body)
        self._release_ready()
        return "applied"

    def refuse(self, message_id: str, event_type: str, reason: str) -> bool:
        """Record that an accepted event (e.g. one parked for an unknown loan) cannot apply.

        Answers False for a message id this grant has already seen (nothing recorded).
        """
        require_text("message_id", message_id)
        if message_id in self.message_ids:
            return False
        if event_type not in PARTNER_EVENT_TYPES:
            raise InvalidInput.field("event_type", f"unknown partner event {event_type!r}")
        self._record(
            "PartnerEventRefused",
            {
                "message_id": message_id,
                "event_type": event_type,
                "reason": require_text("reason", reason),
            },
        )
        return True

    # ------------------------------------------------------------------ helpers
    def _ready(self, event_type: str, body: dict[str, Any]) -> bool:
        if self.granted is None:
            return False
        return event_type in _GRANT_KEYED or body["loan_id"] in self.loans

    def _release_ready(self) -> None:
        progress = True
        while progress:
            progress = False
            for message_id, held in list(self.held.items()):
                if not self._ready(held["event_type"], held["body"]):
                    continue
                try:
                    self._apply(message_id, held["event_type"], held["body"])
                except RuleViolation as refusal:
                    self._record(
                        "PartnerEventRefused",
                        {
                            "message_id": message_id,
                            "event_type": held["event_type"],
                            "reason": refusal.detail,
                        },
                    )
                progress = True

    def _apply(self, message_id: str, event_type: str, body: dict[str, Any]) -> None:
        if event_type == "credit.granted":
            if self.granted is not None:
                raise RuleViolation(
                    "the credit is already granted",
                    {"message_id": self.granted["message_id"]},
                )
            beneficiary = body["beneficiary"]
            self._record(
                "CreditGranted",
                {
                    "message_id": message_id,
                    "partner_id": self.partner_id,
                    "grant_id": self.grant_id,
                    "beneficiary": dict(beneficiary),
                    "amount_fen": body["amount_fen"],
                    "term_months": body["term_months"],
                    "annual_rate_bp": body["annual_rate_bp"],
                    "guarantee": body["guarantee"],
                    "purpose": body["purpose"],
                    "granted_at": body["granted_at"],
                    "recommended_by_unit": body.get("recommended_by_unit")
                    or (self.recommendation or {}).get("unit_id"),
                },
            )
        elif event_type == "loan.disbursed":
            self._check_disbursement(body)
            self._record(
                "LoanDisbursed",
                {
                    "message_id": message_id,
                    "loan_id": body["loan_id"],
                    "amount_fen": body["amount_fen"],
                    "disbursed_at": body["disbursed_at"],
                    "maturity_date": body["maturity_date"],
                },
            )
        elif event_type == "loan.repaid":
            loan = self._open_loan(body["loan_id"])
            if body["amount_fen"] > loan["outstanding_fen"] and not body["settled"]:
                raise RuleViolation(
                    f"repayment of {body['amount_fen']} fen exceeds the outstanding "
                    f"{loan['outstanding_fen']} fen of loan {body['loan_id']}",
                    {"loan_id": body["loan_id"], "outstanding_fen": loan["outstanding_fen"]},
                )
            self._record(
                "LoanRepaid",
                {
                    "message_id": message_id,
                    "loan_id": body["loan_id"],
                    "amount_fen": body["amount_fen"],
                    "repaid_at": body["repaid_at"],
                    "settled": body["settled"],
                },
            )
        elif event_type == "loan.overdue":
            loan = self._open_loan(body["loan_id"])
            if body["overdue_fen"] > loan["outstanding_fen"]:
                raise RuleViolation(
                    f"overdue {body['overdue_fen']} fen exceeds the outstanding "
                    f"{loan['outstanding_fen']} fen of loan {body['loan_id']}",
                    {"loan_id": body["loan_id"], "outstanding_fen": loan["outstanding_fen"]},
                )
            self._record(
                "LoanOverdue",
                {
                    "message_id": message_id,
                    "loan_id": body["loan_id"],
                    "overdue_fen": body["overdue_fen"],
                    "as_of": body["as_of"],
                },
            )
        else:  # credit.revoked
            if self.revoked is not None:
                raise RuleViolation("the credit is already revoked", {"grant_status": "revoked"})
            self._record(
                "CreditRevoked",
                {
                    "message_id": message_id,
                    "reason": body["reason"],
                    "revoked_at": body["revoked_at"],
                },
            )

    def _check_disbursement(self, body: dict[str, Any]) -> None:
        assert self.granted is not None
        if self.revoked is not None:
            raise RuleViolation(
                "the credit is revoked: no disbursement", {"revoked_at": self.revoked["revoked_at"]}
            )
        if body["loan_id"] in self.loans:
            raise RuleViolation(
                f"loan {body['loan_id']} is already disbursed", {"loan_id": body["loan_id"]}
            )
        available = self.undisbursed_fen()
        if body["amount_fen"] > available:
            raise RuleViolation(
                f"disbursing {body['amount_fen']} fen exceeds the {available} fen "
                "left of the grant",
                {"undisbursed_fen": available, "amount_fen": body["amount_fen"]},
            )

    def _open_loan(self, loan_id: str) -> dict[str, Any]:
        loan = self.loans[loan_id]
        if loan["settled"]:
            raise RuleViolation(f"loan {loan_id} is already settled", {"loan_id": loan_id})
        return loan

    # ------------------------------------------------------------- apply events
    def _on_grant_recommended(self, data: dict[str, Any]) -> None:
        self.recommendation = dict(data)

    def _on_partner_event_held(self, data: dict[str, Any]) -> None:
        self.message_ids.add(data["message_id"])
        self.held[data["message_id"]] = dict(data)

    def _on_partner_event_refused(self, data: dict[str, Any]) -> None:
        self.message_ids.add(data["message_id"])
        self.held.pop(data["message_id"], None)
        self.refused[data["message_id"]] = dict(data)

    def _applied(self, data: dict[str, Any]) -> None:
        self.message_ids.add(data["message_id"])
        self.held.pop(data["message_id"], None)

    def _on_credit_granted(self, data: dict[str, Any]) -> None:
        self._applied(data)
        self.granted = dict(data)

    def _on_loan_disbursed(self, data: dict[str, Any]) -> None:
        self._applied(data)
        self.loans[data["loan_id"]] = {
            "loan_id": data["loan_id"],
            "amount_fen": data["amount_fen"],
            "disbursed_at": data["disbursed_at"],
            "maturity_date": data["maturity_date"],
            "repaid_fen": 0,
            "outstanding_fen": data["amount_fen"],
            "overdue_fen": 0,
            "overdue_as_of": None,
            "settled": False,
        }

    def _on_loan_repaid(self, data: dict[str, Any]) -> None:
        self._applied(data)
        loan = self.loans[data["loan_id"]]
        loan.update(after_repayment(loan, data["amount_fen"], data["settled"]))

    def _on_loan_overdue(self, data: dict[str, Any]) -> None:
        self._applied(data)
        loan = self.loans[data["loan_id"]]
        loan["overdue_fen"] = data["overdue_fen"]
        loan["overdue_as_of"] = data["as_of"]

    def _on_credit_revoked(self, data: dict[str, Any]) -> None:
        self._applied(data)
        self.revoked = dict(data)


def grant_status(*, revoked: bool, granted: bool, held: bool, recommended: bool,
                 loans: Iterable[Mapping[str, Any]]) -> str:
    """The one definition of a grant's status (the aggregate and the read model use it)."""
    if revoked:
        return "revoked"
    if not granted:
        if held:
            return "awaiting_grant"
        return "recommended" if recommended else "new"
    loans = list(loans)
    if not loans:
        return "granted"
    if all(loan["settled"] for loan in loans):
        return "settled"
    if any(loan["overdue_fen"] > 0 for loan in loans):
        return "overdue"
    return "disbursed"


def after_repayment(loan: Mapping[str, Any], amount_fen: int, settled: bool) -> dict[str, Any]:
    """A loan's figures after a repayment. Money paid beyond the principal on settlement
    (interest) does not go negative; a settled or fully repaid loan owes nothing."""
    outstanding = max(int(loan["outstanding_fen"]) - amount_fen, 0)
    overdue = max(int(loan["overdue_fen"]) - amount_fen, 0)
    done = bool(settled or outstanding == 0 or loan.get("settled"))
    return {"repaid_fen": int(loan["repaid_fen"]) + amount_fen,
            "outstanding_fen": 0 if done else outstanding,
            "overdue_fen": 0 if done else overdue, "settled": done}


def pending_loan_id(partner_id: str, loan_id: str) -> str:
    if "." in partner_id:
        raise InvalidInput.field("partner_id", "must not contain '.'")
    return f"{partner_id}.{loan_id}"


class PendingLoanEvents(Aggregate):
    """loan.repaid / loan.overdue for a loan the service does not know yet
    (aggregate id = `pending_loan_id(partner_id, loan_id)`)."""

    stream_prefix = "pending"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.parked: dict[str, dict[str, Any]] = {}  # message id -> event, arrival order
        self.released: set[str] = set()

    def waiting(self) -> list[dict[str, Any]]:
        """Parked events in arrival order: message_id, event_type, body, received_at."""
        return list(self.parked.values())

    def park(
        self, message_id: str, event_type: str, body: dict[str, Any], received_at: dt.datetime
    ) -> str:
        require_text("message_id", message_id)
        require_aware("received_at", received_at)
        if event_type not in _LOAN_KEYED:
            raise InvalidInput.field("event_type", "only loan.repaid and loan.overdue are parked")
        if message_id in self.parked or message_id in self.released:
            return "duplicate"
        self._record(
            "LoanEventParked",
            {
                "message_id": message_id,
                "event_type": event_type,
                "body": dict(body),
                "received_at": utc_iso(received_at),
            },
        )
        return "held"

    def release(self, message_ids: list[str], released_at: dt.datetime) -> None:
        """Forget parked events after the grant has applied them (see module docstring)."""
        ids = [m for m in message_ids if m in self.parked]
        if ids:
            self._record(
                "ParkedLoanEventsReleased",
                {
                    "message_ids": ids,
                    "released_at": utc_iso(require_aware("released_at", released_at)),
                },
            )

    def _on_loan_event_parked(self, data: dict[str, Any]) -> None:
        self.parked[data["message_id"]] = dict(data)

    def _on_parked_loan_events_released(self, data: dict[str, Any]) -> None:
        for message_id in data["message_ids"]:
            self.parked.pop(message_id, None)
            self.released.add(message_id)
