"""One of a kind: a county has one committee, a resident ID number names one member, a USCC
one cooperative (issue 11: these rules used to live in the service layer's SQL).

The handlers find the existing id through their facts (the read models) and ask here; a
unique index on each read model (`committees_county_code_key`, `members_resident_id_key`,
`cooperatives_uscc_key`) refuses the same duplicate when two commands race (a 409 too).
"""

from __future__ import annotations

from typing import Any

from eventkit.errors import RuleViolation


def normalized_resident_id(number: Any) -> str:
    """The form a resident ID number is stored and compared in (the X check digit upper)."""
    return str(number).strip().upper()


def ensure_resident_id_free(existing_id: str | None) -> None:
    """A member with this resident ID number is registered already: refused, naming only the
    existing member's id (the number itself is never echoed back)."""
    if existing_id:
        raise RuleViolation("a member with this resident ID number is registered",
                            {"rule": "duplicate", "existing_id": existing_id})


def ensure_county_code_free(county_code: str, existing_id: str | None) -> None:
    """One working committee per county (GB/T 2260 county code)."""
    if existing_id:
        raise RuleViolation("a committee for this county code exists",
                            {"county_code": county_code, "existing_id": existing_id})


def ensure_uscc_free(uscc: str, existing_id: str | None, *, name_existing: bool = True
                     ) -> None:
    """One cooperative per unified social credit code."""
    if existing_id:
        details: dict[str, Any] = {"uscc": uscc}
        if name_existing:
            details["existing_id"] = existing_id
        raise RuleViolation("a cooperative with this USCC is already registered", details)
