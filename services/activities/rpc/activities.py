"""Activities: planning, registration, check-in, holding, cancelling; lists and views."""

from __future__ import annotations

import datetime as dt

from eventkit import pagination
from eventkit.errors import InvalidInput
from eventkit.nameko_ext import command
from eventkit.validation import Scope, load
from services.activities import handlers
from services.activities import queries as q
from services.activities.contract import schemas
from services.activities.domain.stats import activity_stats
from services.activities.rpc.common import Commands, Handler, _as_date


class ActivitiesRpc(Commands):
    # -- activities ------------------------------------------------------------------------
    @command
    def plan_activity(self, payload: dict, command_id: str | None = None,
                      scope: Scope = None) -> dict:
        cmd = load(schemas.ActivityIn, payload)
        result = self._run(handlers.plan_activity, cmd, command_id, scope)
        return self.get_activity(result["id"])

    def _on_activity(self, handler: Handler, activity_id: str, cmd: dict,
                     command_id: str | None, scope: Scope) -> dict:
        self._run(handler, {**cmd, "activity_id": activity_id}, command_id, scope)
        return self.get_activity(activity_id)

    @command
    def edit_activity(self, activity_id: str, payload: dict, command_id: str | None = None,
                      scope: Scope = None) -> dict:
        return self._on_activity(handlers.edit_activity, activity_id,
                                 load(schemas.ActivityEdit, payload), command_id, scope)

    @command
    def hold_activity(self, activity_id: str, payload: dict, command_id: str | None = None,
                      scope: Scope = None) -> dict:
        return self._on_activity(handlers.hold_activity, activity_id,
                                 load(schemas.ActivityHoldIn, payload), command_id, scope)

    @command
    def cancel_activity(self, activity_id: str, payload: dict, command_id: str | None = None,
                        scope: Scope = None) -> dict:
        return self._on_activity(handlers.cancel_activity, activity_id,
                                 load(schemas.ReasonIn, payload), command_id, scope)

    @command
    def register_for_activity(self, activity_id: str, payload: dict,
                              command_id: str | None = None, scope: Scope = None) -> dict:
        return self._on_activity(handlers.register_for_activity, activity_id,
                                 load(schemas.MemberRefIn, payload), command_id, scope)

    @command
    def withdraw_registration(self, activity_id: str, member_id: str,
                              command_id: str | None = None, scope: Scope = None) -> dict:
        return self._on_activity(handlers.withdraw_registration, activity_id,
                                 {"member_id": member_id}, command_id, scope)

    @command
    def check_in(self, activity_id: str, payload: dict, command_id: str | None = None,
                 scope: Scope = None) -> dict:
        return self._on_activity(handlers.check_in, activity_id,
                                 load(schemas.MemberRefIn, payload), command_id, scope)

    @command
    def get_activity(self, activity_id: str, scope: Scope = None) -> dict:
        return self.es.read(lambda cur: q.activity_dict(q.activity_row(cur, activity_id, scope)))

    @command
    def list_activities(self, filters: dict | None = None, limit: int = 50,
                        cursor: str | None = None, scope: Scope = None) -> dict:
        limit = pagination.clamp_limit(limit)
        filters = filters or {}
        return self.es.read(lambda cur: q.list_activities(cur, filters, limit, cursor, scope))

    @command
    def activity_stats(self, filters: dict | None = None, scope: Scope = None) -> dict:
        """Held activities per unit, kind and month (local held_on dates)."""
        filters = filters or {}
        year = filters.get("year") or self.clock.today().year
        date_from = _as_date(filters.get("date_from")) or dt.date(int(year), 1, 1)
        date_to = _as_date(filters.get("date_to")) or dt.date(int(year), 12, 31)
        if date_to < date_from:
            raise InvalidInput.field("to", "must not be before from")
        facts = self.es.read(lambda cur: q.held_activity_facts(
            cur, date_from, date_to, scope, filters.get("unit_id"), filters.get("kind")))
        stats = activity_stats(facts).to_dict()
        if scope is not None:
            stats["by_unit"] = {u: t for u, t in stats["by_unit"].items() if u in scope}
        return {"from": date_from.isoformat(), "to": date_to.isoformat(), **stats}
