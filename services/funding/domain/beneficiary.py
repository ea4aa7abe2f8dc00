"""A grant's beneficiary: a cooperative matched by USCC, or a person kept only as a keyed hash."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from eventkit.errors import InvalidInput
from eventkit.identifiers import resident_id_birth_date, resident_id_problem
from services.funding.contract.enums import (  # noqa: F401 - the contract's enums
    GUARANTEES,
    PARTNER_EVENT_TYPES,
)
from services.funding.domain.partner_messages import (  # noqa: F401 - importable from here too
    MAX_ID_LENGTH,
    MAX_RATE_BP,
    MAX_TERM_MONTHS,
    UNKNOWN_BENEFICIARY,
    validate_partner_body,
)


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
