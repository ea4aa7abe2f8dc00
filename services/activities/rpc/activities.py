"""Activities: planning, registration, check-in, holding, cancelling; lists and views."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit import pagination
from eventkit.errors import InvalidInput, NotFound
from eventkit.nameko_ext import command
from eventkit.uow import Tx
from eventkit.validation import Scope, load
from services.activities import queries as q
from services.activities.contract import schemas
from services.activities.domain.activity import Activity
from services.activities.domain.stats import activity_stats
from services.activities.domain.unified import PART_HELD, UnifiedActivity
from services.activities.rpc.common import _as_date, _new_id, _organizers


class ActivitiesRpc:
    es: Any

    # -- activities ------------------------------------------------------------------------
    def _check_menu_item(self, cur, item_id: str | None) -> None:
        if item_id is None:
            return
        found = q.item_menu(cur, item_id)
        if found is None or not found[1]:
            raise InvalidInput.field("work_menu_item_id",
                                     "is not an item of a published work menu")

    @command
    def plan_activity(self, payload: dict, command_id: str | None = None,
                      scope: Scope = None) -> dict:
        fields = load(schemas.ActivityIn(), payload)

        def handle(tx: Tx) -> dict:
            active = _organizers(tx.cur, fields["organizer_unit_ids"],
                                 fields["co_organizer_unit_ids"], scope)
            self._check_menu_item(tx.cur, fields["work_menu_item_id"])
            activity = tx.add(Activity(_new_id()))
            assert isinstance(activity, Activity)
            activity.plan(**fields, active_unit_ids=active)
            if fields["unified_activity_id"]:
                self._link_unified(tx, activity)
            return {"id": activity.id}

        result = self.es.run(handle, command_id)
        return self.get_activity(result["id"])

    def _link_unified(self, tx: Tx, activity: Activity) -> None:
        """The activity carries out the part of its first organizer taking part."""
        unified = tx.load(UnifiedActivity, str(activity.unified_activity_id))
        if not unified.exists:
            raise InvalidInput.field("unified_activity_id", "unknown unified activity")
        unified.link_organizer_activity(activity.organizer_unit_ids, activity.id)

    @command
    def edit_activity(self, activity_id: str, payload: dict, command_id: str | None = None,
                      scope: Scope = None) -> dict:
        changes = load(schemas.ActivityEdit(), payload)

        def handle(tx: Tx) -> dict:
            q.activity_row(tx.cur, activity_id, scope)
            activity = tx.get(Activity, activity_id, "activity")
            active = _organizers(tx.cur, changes.get("organizer_unit_ids", []),
                                 changes.get("co_organizer_unit_ids", []), scope)
            self._check_menu_item(tx.cur, changes.get("work_menu_item_id"))
            activity.edit(**changes, active_unit_ids=active)
            return {"id": activity.id}

        self.es.run(handle, command_id)
        return self.get_activity(activity_id)

    @command
    def hold_activity(self, activity_id: str, payload: dict, command_id: str | None = None,
                      scope: Scope = None) -> dict:
        fields = load(schemas.ActivityHoldIn(), payload)

        def handle(tx: Tx) -> dict:
            q.activity_row(tx.cur, activity_id, scope)
            activity = tx.get(Activity, activity_id, "activity")
            attending = q.attending_member_ids(tx.cur, fields["attendee_member_ids"],
                                               fields["held_on"])
            activity.hold(**fields, active_member_ids=attending, today=q.today())
            if activity.unified_activity_id:
                unified = tx.load(UnifiedActivity, activity.unified_activity_id)
                for part in unified.parts.values():
                    if activity.id in (part.activity_ids or []) and part.status != PART_HELD:
                        unified.mark_part_held(part.unit_id, activity.id,
                                               held_on=fields["held_on"])
            return {"id": activity.id}

        self.es.run(handle, command_id)
        return self.get_activity(activity_id)

    @command
    def cancel_activity(self, activity_id: str, payload: dict, command_id: str | None = None,
                        scope: Scope = None) -> dict:
        fields = load(schemas.ReasonIn(), payload)

        def handle(tx: Tx) -> dict:
            q.activity_row(tx.cur, activity_id, scope)
            tx.get(Activity, activity_id, "activity").cancel(reason=fields["reason"])
            return {"id": activity_id}

        self.es.run(handle, command_id)
        return self.get_activity(activity_id)

    @command
    def register_for_activity(self, activity_id: str, payload: dict,
                              command_id: str | None = None, scope: Scope = None) -> dict:
        fields = load(schemas.MemberRefIn(), payload)

        def handle(tx: Tx) -> dict:
            q.activity_row(tx.cur, activity_id, scope)
            activity = tx.get(Activity, activity_id, "activity")
            now = q.now()
            active = q.attending_member_ids(tx.cur, [fields["member_id"]], q.today())
            activity.register(fields["member_id"], now=now, active_member_ids=active)
            return {"id": activity_id}

        self.es.run(handle, command_id)
        return self.get_activity(activity_id)

    @command
    def withdraw_registration(self, activity_id: str, member_id: str,
                              command_id: str | None = None, scope: Scope = None) -> dict:
        def handle(tx: Tx) -> dict:
            q.activity_row(tx.cur, activity_id, scope)
            activity = tx.get(Activity, activity_id, "activity")
            if member_id not in activity.registered_member_ids:
                raise NotFound(f"member {member_id} is not registered for the activity")
            activity.withdraw_registration(member_id, now=q.now())
            return {"id": activity_id}

        self.es.run(handle, command_id)
        return self.get_activity(activity_id)

    @command
    def check_in(self, activity_id: str, payload: dict, command_id: str | None = None,
                 scope: Scope = None) -> dict:
        fields = load(schemas.MemberRefIn(), payload)

        def handle(tx: Tx) -> dict:
            q.activity_row(tx.cur, activity_id, scope)
            activity = tx.get(Activity, activity_id, "activity")
            active = q.attending_member_ids(tx.cur, [fields["member_id"]], q.today())
            activity.check_in(fields["member_id"], now=q.now(), active_member_ids=active)
            return {"id": activity_id}

        self.es.run(handle, command_id)
        return self.get_activity(activity_id)

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
        year = filters.get("year") or q.today().year
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
