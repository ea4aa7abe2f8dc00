"""What every org handler takes: the `Context` (scope, clock, ids, policy, facts) and the
`Facts` port, the read-model facts a command needs (`services.org.sql_facts.SqlFacts` in the
service, a fake in the handler tests), and the few lookups shared by the resources."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from eventkit import clock as clocks
from eventkit.errors import InvalidInput, NotFound
from eventkit.uow import Tx
from eventkit.validation import require_in_scope
from services.org.domain.committee import WORKFLOW, check_accepts_units
from services.org.domain.member import Member
from services.org.domain.policy import OrgPolicy
from services.org.domain.tree_rules import UnitFacts
from services.org.settings import current_policy, versions

Scope = Sequence[str] | None


class Facts(Protocol):
    """The read-model facts org's handlers read, inside the command's transaction."""

    # cooperatives
    def cooperative_with_uscc(self, uscc: str, other_than: str | None = None) -> str | None: ...
    def cooperative_exists(self, coop_id: str) -> bool: ...
    def cooperative_categories(self, coop_ids: Sequence[str]) -> dict[str, str]: ...
    def scoped_cooperative_ids(self, scope: Sequence[str]) -> list[str]: ...
    # committees and units
    def committee_with_county_code(self, county_code: str) -> str | None: ...
    def committee_steps(self, committee_id: str) -> dict[str, Any] | None: ...
    def unit(self, unit_id: str) -> UnitFacts | None: ...
    def ancestor_ids(self, unit_id: str) -> list[str]: ...
    def active_children(self, unit_id: str) -> list[str]: ...
    # members and people
    def active_members(self, unit_id: str) -> list[str]: ...
    def active_league_member_ids(self, unit_id: str) -> list[str]: ...
    def member_with_resident_id(self, number: str) -> str | None: ...
    def transfer(self, transfer_id: str) -> dict[str, Any] | None: ...
    def person_known(self, person_id: str) -> bool: ...


@dataclasses.dataclass(frozen=True)
class Context:
    facts: Callable[[Tx], Facts]
    scope: Scope = None
    clock: clocks.Clock = clocks.SYSTEM_CLOCK
    new_id: Callable[[], str] = clocks.new_id
    actor: str | None = None
    policy: OrgPolicy = dataclasses.field(default_factory=current_policy)
    # every dated policy version (service requests route by the version of their day)
    policies: tuple[OrgPolicy, ...] = dataclasses.field(default_factory=versions)


Handler = Callable[[Tx, dict[str, Any], Context], Any]


def unit_facts(facts: Facts, unit_id: str, field: str | None = None) -> UnitFacts:
    """Facts of a unit a command refers to; 422 on `field` (or 404) when unknown."""
    unit = facts.unit(unit_id)
    if unit is None:
        if field:
            raise InvalidInput.field(field, f"unknown unit {unit_id}")
        raise NotFound(f"unit {unit_id} not found")
    return unit


def unit_in_scope(facts: Facts, unit_id: str, ctx: Context, field: str | None = None
                  ) -> UnitFacts:
    """A unit the caller may use: 404 (or 422 on `field`) outside scope or unknown."""
    require_in_scope(unit_id, ctx.scope, field)
    return unit_facts(facts, unit_id, field)


def cooperative_industries(facts: Facts, coop_ids: Sequence[str],
                           field: str = "cooperative_ids") -> list[str]:
    """The product category of each cooperative (422 on `field` naming unknown ones)."""
    if not coop_ids:
        return []
    found = facts.cooperative_categories(coop_ids)
    missing = [c for c in coop_ids if c not in found]
    if missing:
        raise InvalidInput.field(field, f"unknown cooperatives: {', '.join(missing)}")
    return [found[c] for c in coop_ids]


def require_committee_approved(facts: Facts, committee_id: str | None) -> None:
    """409 naming the due step while the unit's working committee awaits approval."""
    steps = facts.committee_steps(committee_id) if committee_id is not None else None
    if steps is None:
        return
    check_accepts_units(next((s for s in WORKFLOW if s not in steps), None),
                        "establishment_approved" in steps)


def check_scope(scope: Scope, unit_id: str | None, what: str, obj_id: str) -> None:
    if scope is not None and unit_id not in scope:
        raise NotFound(f"{what} {obj_id} not found")


def member_in_scope(tx: Tx, member_id: str, ctx: Context) -> Member:
    """A member whose unit the caller may see (404 otherwise, as if unknown)."""
    member = tx.get(Member, member_id, "member")
    check_scope(ctx.scope, member.unit_id, "member", member_id)
    return member
