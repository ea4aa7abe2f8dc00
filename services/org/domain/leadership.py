"""The committee's leadership rule: one secretary, 7-9 deputies from distinct member units."""

from __future__ import annotations

from collections.abc import Sequence

from services.org.contract.enums import (  # noqa: F401 - the contract's enums
    AGENDA_ITEM_KINDS,
    COMMITTEE_MEMBER_SOURCES,
    DEPARTMENT_TYPES,
    ORGANIZATION_LEVELS,
)

MIN_DEPUTY_SECRETARIES = 7
MAX_DEPUTY_SECRETARIES = 9


def leadership_problems_of(
    secretary_count: int,
    deputy_member_units: Sequence[str],
    member_unit_ids: Sequence[str] | set[str],
) -> list[str]:
    """Why a leadership breaks the rules (empty when it does not).

    `deputy_member_units` lists the member unit of each deputy secretary, one entry each.
    """
    problems: list[str] = []
    if secretary_count != 1:
        problems.append(f"exactly one secretary is required, {secretary_count} appointed")
    n = len(deputy_member_units)
    if not MIN_DEPUTY_SECRETARIES <= n <= MAX_DEPUTY_SECRETARIES:
        problems.append(
            f"{MIN_DEPUTY_SECRETARIES}-{MAX_DEPUTY_SECRETARIES} deputy secretaries are "
            f"required, {n} appointed"
        )
    seen: set[str] = set()
    for unit_id in deputy_member_units:
        if unit_id in seen:
            problems.append(f"member unit {unit_id} has more than one deputy secretary")
        seen.add(unit_id)
        if unit_id not in member_unit_ids:
            problems.append(f"deputy secretary from {unit_id}, which is not a member unit")
    return problems
