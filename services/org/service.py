"""The org service: committee, League tree, cooperatives, members (nameko).

Decisions (docs/org.md): a committee and its working-committee root unit are created together
and share one id; unit scope (`scope`, the unit ids a caller may see) applies to units,
members, transfers and cooperatives (those covered by a visible unit); nothing personal is
logged and resident ids and phones leave this service masked.

The entrypoints (one mixin per resource in `rpc/`) validate with the contract's schemas, run
a handler (`handlers`) in the unit of work through `_run`, and answer the view (`queries`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit import clock as clocks
from eventkit.nameko_ext import EventSourcing, FeedMixin
from eventkit.uow import Tx
from services.org import handlers
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
from services.org.sql_facts import SqlFacts
from services.org.tracked import TRACKED


def _sql_facts(tx: Tx) -> handlers.Facts:
    return SqlFacts(tx.cur)


class OrgService(CooperativesRpc, CommitteesRpc, UnitsRpc, MembersRpc, TransfersRpc, PeopleRpc,
                 ServiceRequestsRpc, FeedMixin):
    name = "org"
    es = EventSourcing("org", registry, projector, tracked=TRACKED)
    clock: clocks.Clock = clocks.SYSTEM_CLOCK

    # a unique index refusing a racing duplicate: named in the kernel's 409 (mapped_errors)
    unique_constraints = {"members_resident_id_key": "a member with this resident ID number",
                          "cooperatives_uscc_key": "a cooperative with this USCC",
                          "committees_county_code_key": "a committee for this county code"}

    def _day(self, value: Any, name: str = "on") -> dt.date:
        """A command's date (or today), never in the future, by the service's clock."""
        return q.day(value, name, self.clock.today())

    def _context(self, scope: list[str] | None) -> handlers.Context:
        actor = getattr(self.es, "actor", None)  # bound per call; none in a timer's run
        return handlers.Context(facts=_sql_facts, scope=scope, clock=self.clock,
                                actor=actor, policy=q.POLICY)

    def _run(self, handler: handlers.Handler, cmd: dict[str, Any], command_id: str | None,
             scope: list[str] | None = None, then: Any = None) -> Any:
        """The handler's result, or with `then(cur, result)` the answer read in the
        command's own transaction (eventkit.uow)."""
        ctx = self._context(scope)
        return self.es.run(lambda tx: handler(tx, cmd, ctx), command_id, then=then)
