"""What every funding command handler is given: the `Context` and the read-model `Facts`.

`tx` the unit of work's transaction (it loads and adds aggregates), `cmd` the validated
command (a dict from the contract's schema plus ids from the path), `ctx` what the caller
brings: the unit scope, the clock, the id generator, the settings a rule needs and the
read-model facts (`queries.SqlFacts` in the service, a fake in the handler tests). Handlers
never touch `tx.cur`: what they read goes through `Facts`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from eventkit import clock as clocks
from eventkit.uow import Tx
from services.funding.domain.applications import ENTREPRENEUR_MAX_AGE, ENTREPRENEUR_MIN_AGE

Scope = Sequence[str] | None


class Facts(Protocol):
    """The read-model facts the funding handlers read (learnt from org, or funding's own)."""

    def require_unit(self, unit_id: str, scope: Scope) -> dict[str, Any]:
        """A unit known to funding and in scope (its id, name, kind...), else NotFound."""

    def venue_unit(self, venue_id: str) -> str | None | bool:
        """The venue's unit (None: a venue of no unit), or False for no such venue."""

    def require_member(self, member_id: str, scope: Scope) -> dict[str, Any]:
        """A member known to funding (id, name, kind, unit_id, status) and in scope, else
        NotFound."""

    def dues_collected(self, unit_id: str, period_from: str, period_to: str) -> int:
        """The dues (fen) the unit's members paid for the months of the period."""

    def partner(self, partner_id: str) -> tuple[str, bool] | None:
        """A partner's (kind, active), None for no such partner."""

    def known_cooperative(self, coop_id: str) -> dict[str, Any] | None:
        """A cooperative learnt from org (id, uscc, name...), None: not (yet) known."""

    def entrepreneur_by_person(self, id_key: str) -> str | None:
        """The young entrepreneur registered with this person key, if any."""


def _no_secret() -> bytes:
    return b""


@dataclasses.dataclass(frozen=True)
class Context:
    facts: Callable[[Tx], Facts]
    scope: Scope = None
    clock: clocks.Clock = clocks.SYSTEM_CLOCK
    new_id: Callable[[], str] = clocks.new_id
    # (minimum age, age from which a person is no longer a young entrepreneur)
    age_limits: tuple[int, int] = (ENTREPRENEUR_MIN_AGE, ENTREPRENEUR_MAX_AGE)
    # the key of the resident-id hash (settings.person_secret in the service)
    person_secret: Callable[[], bytes] = _no_secret


def today_or(value: dt.date | None, ctx: Context) -> dt.date:
    """A date given in the command, else the county's today."""
    return value or ctx.clock.today()


def this_month(ctx: Context) -> str:
    day = ctx.clock.today()
    return f"{day.year:04d}-{day.month:02d}"
