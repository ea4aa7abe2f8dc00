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
import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, RuleViolation
from eventkit.identifiers import resident_id_birth_date, resident_id_problem, uscc_problem
from services.funding.contract.enums import (  # noqa: F401 - the contract's enums
    GUARANTEES,
    PARTNER_EVENT_TYPES,
)

from .common import require_aware, require_text, utc_iso

MAX_TERM_MONTHS = 360
MAX_RATE_BP = 10_000
MAX_ID_LENGTH = 128
UNKNOWN_BENEFICIARY = "unknown beneficiary"


# ---------------------------------------------------------------- validation
class _Reject(Exception):
    pass


def _id(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise _Reject(f"{name} is required (a non-empty string)")
    if len(value) > MAX_ID_LENGTH:
        raise _Reject(f"{name} is longer than {MAX_ID_LENGTH} characters")
    return value.strip()


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise _Reject(f"{name} is required (a non-empty string)")
    return value.strip()


def _int(body: dict[str, Any], name: str, low: int, high: int | None = None) -> int:
    if name not in body:
        raise _Reject(f"{name} is required")
    value = body[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Reject(f"{name} must be an integer" + (" (fen)" if name.endswith("_fen") else ""))
    if value < low or (high is not None and value > high):
        bound = f"at least {low}" if high is None else f"between {low} and {high}"
        raise _Reject(f"{name} must be {bound}, got {value}")
    return value


def _date(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise _Reject(f"{name} is required (an ISO 8601 date)")
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise _Reject(f"{name} is not an ISO 8601 date (YYYY-MM-DD): {value!r}") from None


def _instant(body: dict[str, Any], name: str) -> str:
    """An ISO date, or an ISO datetime with an offset (normalised to UTC)."""
    value = body.get(name)
    if not isinstance(value, str):
        raise _Reject(f"{name} is required (an ISO 8601 date or date-time)")
    if len(value) == 10:
        return _date(body, name)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _Reject(f"{name} is not an ISO 8601 date-time: {value!r}") from None
    if moment.utcoffset() is None:
        raise _Reject(f"{name} must carry a UTC offset: {value!r}")
    return utc_iso(moment)


def _beneficiary(body: dict[str, Any]) -> dict[str, Any]:
    value = body.get("beneficiary")
    if not isinstance(value, dict):
        raise _Reject("beneficiary is required (an object)")
    kind = value.get("kind")
    if kind == "cooperative":
        uscc = value.get("uscc")
        if not isinstance(uscc, str):
            raise _Reject("beneficiary.uscc is required")
        uscc = uscc.strip().upper()
        if (problem := uscc_problem(uscc)) is not None:
            raise _Reject(f"beneficiary.uscc {problem}")
        return {"kind": "cooperative", "uscc": uscc}
    if kind == "person":
        name = _text(value, "name")
        number = value.get("id_number")
        if not isinstance(number, str):
            raise _Reject("beneficiary.id_number is required")
        number = number.strip().upper()
        if (problem := resident_id_problem(number)) is not None:
            # The reason is logged and kept with the dead letter: never echo the number.
            raise _Reject(f"beneficiary.id_number {problem}")
        return {"kind": "person", "name": name, "id_number": number}
    raise _Reject("beneficiary.kind must be 'cooperative' or 'person'")


def _credit_granted(body: dict[str, Any]) -> dict[str, Any]:
    guarantee = body.get("guarantee")
    if guarantee not in GUARANTEES:
        raise _Reject(f"guarantee must be one of {', '.join(GUARANTEES)}")
    recommended = body.get("recommended_by_unit")
    if recommended is not None and (not isinstance(recommended, str) or not recommended.strip()):
        raise _Reject("recommended_by_unit must be a non-empty string when given")
    return {
        "grant_id": _id(body, "grant_id"),
        "beneficiary": _beneficiary(body),
        "amount_fen": _int(body, "amount_fen", 1),
        "term_months": _int(body, "term_months", 1, MAX_TERM_MONTHS),
        "annual_rate_bp": _int(body, "annual_rate_bp", 0, MAX_RATE_BP),
        "guarantee": guarantee,
        "purpose": _text(body, "purpose"),
        "granted_at": _instant(body, "granted_at"),
        "recommended_by_unit": recommended.strip() if recommended else None,
    }


def _loan_disbursed(body: dict[str, Any]) -> dict[str, Any]:
    disbursed_at = _instant(body, "disbursed_at")
    maturity_date = _date(body, "maturity_date")
    # Compare with the partner's own calendar date (before normalisation to UTC).
    if maturity_date < str(body["disbursed_at"])[:10]:
        raise _Reject("maturity_date is before disbursed_at")
    return {
        "grant_id": _id(body, "grant_id"),
        "loan_id": _id(body, "loan_id"),
        "amount_fen": _int(body, "amount_fen", 1),
        "disbursed_at": disbursed_at,
        "maturity_date": maturity_date,
    }


def _loan_repaid(body: dict[str, Any]) -> dict[str, Any]:
    settled = body.get("settled")
    if not isinstance(settled, bool):
        raise _Reject("settled is required (true or false)")
    # A final settlement may carry no money (e.g. written off); a partial repayment must.
    amount = _int(body, "amount_fen", 0 if settled else 1)
    return {
        "loan_id": _id(body, "loan_id"),
        "amount_fen": amount,
        "repaid_at": _instant(body, "repaid_at"),
        "settled": settled,
    }


def _loan_overdue(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "loan_id": _id(body, "loan_id"),
        "overdue_fen": _int(body, "overdue_fen", 0),  # 0: the arrears are cured
        "as_of": _instant(body, "as_of"),
    }


def _credit_revoked(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "grant_id": _id(body, "grant_id"),
        "reason": _text(body, "reason"),
        "revoked_at": _instant(body, "revoked_at"),
    }


_PARSERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "credit.granted": _credit_granted,
    "loan.disbursed": _loan_disbursed,
    "loan.repaid": _loan_repaid,
    "loan.overdue": _loan_overdue,
    "credit.revoked": _credit_revoked,
}


def validate_partner_body(event_type: str, body: Any) -> dict[str, Any] | str:
    """The parsed body (known fields only, normalised), or why it is rejected.

    Unknown fields (such as a webhook's "type") are ignored. A person beneficiary still has
    its `id_number` here: pass it through `resolve_beneficiary` before anything is stored.
    """
    parser = _PARSERS.get(event_type)
    if parser is None:
        return f"unknown event type {event_type!r}"
    if not isinstance(body, dict):
        return "body must be a JSON object"
    try:
        return parser(body)
    except _Reject as reason:
        return str(reason)


# --------------------------------------------------------------- beneficiary
def person_key(id_number: str, secret: bytes | str) -> tuple[str, str]:
    """(HMAC-SHA256 hex of the resident id under `secret`, its last 4 characters)."""
    number = id_number.strip().upper() if isinstance(id_number, str) else id_number
    if (problem := resident_id_problem(number)) is not None:
        raise InvalidInput.field("id_number", problem)
    key = secret.encode() if isinstance(secret, str) else secret
    if not key:
        raise ValueError("the person key secret must not be empty")
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest(), number[-4:]


@dataclass(frozen=True)
class CooperativeRef:
    """A cooperative the funding service learnt from org events."""

    cooperative_id: str
    name: str | None = None
    township_id: str | None = None
    industry: str | None = None
    unit_id: str | None = None  # the League unit of the cooperative, if any


def resolve_beneficiary(
    beneficiary: dict[str, Any], secret: bytes | str, cooperative: CooperativeRef | None
) -> dict[str, Any] | str:
    """The beneficiary as stored (no resident id), or a rejection reason.

    `cooperative` is the cooperative the service found by USCC (None when unknown).
    """
    if beneficiary.get("kind") == "cooperative":
        if cooperative is None:
            return UNKNOWN_BENEFICIARY
        return {
            "kind": "cooperative",
            "uscc": beneficiary["uscc"],
            "cooperative_id": cooperative.cooperative_id,
            "name": cooperative.name,
            "township_id": cooperative.township_id,
            "industry": cooperative.industry,
            "unit_id": cooperative.unit_id,
        }
    if beneficiary.get("kind") == "person":
        id_key, last4 = person_key(beneficiary["id_number"], secret)
        return {
            "kind": "person",
            "name": beneficiary["name"],
            "id_key": id_key,
            "id_last4": last4,
            "birth_year": resident_id_birth_date(beneficiary["id_number"].upper()).year,
        }
    return "beneficiary.kind must be 'cooperative' or 'person'"


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
