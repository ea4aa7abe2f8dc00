"""The org service: committee, League tree, cooperatives, members (nameko).

Decisions (docs/org.md): a committee and its working-committee root unit are created together
and share one id; unit scope (`scope`, the unit ids a caller may see) applies to units,
members, transfers and cooperatives (those covered by a visible unit); nothing personal is
logged and resident ids and phones leave this service masked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventkit import validation
from eventkit.nameko_ext import EventSourcing, FeedMixin
from eventkit.uow import Tx
from services.org import queries as q
from services.org.contract.events import registry
from services.org.projections import projector
from services.org.rpc.committees import CommitteesRpc
from services.org.rpc.cooperatives import CooperativesRpc
from services.org.rpc.members import MembersRpc
from services.org.rpc.people import PeopleRpc
from services.org.rpc.service_requests import ServiceRequestsRpc
from services.org.rpc.transfers import TransfersRpc
from services.org.rpc.units import UnitsRpc
from services.org.tracked import TRACKED


class OrgService(CooperativesRpc, CommitteesRpc, UnitsRpc, MembersRpc, TransfersRpc, PeopleRpc,
                 ServiceRequestsRpc, FeedMixin):
    name = "org"
    es = EventSourcing("org", registry, projector, tracked=TRACKED)

    # a unique index refusing a racing duplicate: named in the kernel's 409 (mapped_errors)
    unique_constraints = {"members_resident_id_key": "a member with this resident ID number",
                          "cooperatives_uscc_key": "a cooperative with this USCC",
                          "committees_county_code_key": "a committee for this county code"}

    def _run(self, handle: Callable[[Tx], Any], command_id: str | None) -> Any:
        return self.es.run(handle, command_id)

    def _scope_of_unit(self, cur, unit_id: str, scope: list[str] | None,
                       field: str | None = None) -> None:
        """404 (or 422 on `field`) for a unit that does not exist or is outside scope."""
        validation.require_in_scope(unit_id, scope, field)
        q.unit_facts(cur, unit_id, field)


