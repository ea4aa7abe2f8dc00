"""The activities service (nameko): activities, unified activities, work menus, supervision
visits, WeChat groups, meetings and their compliance, calendars and statistics.

Write RPCs take `(…, payload, command_id=None, scope=None)`; `scope` (unit ids the caller may
see, None = all) makes objects of other units answer NotFound and units named in a body
outside it count as unknown (422). Units and members come from org's events (tracked.py),
never from org's tables.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from eventkit import clock, pagination, validation
from eventkit.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from eventkit.nameko_ext import EventSourcing, FeedMixin, command, jsonable
from eventkit.uow import Tx
from eventkit.validation import load
from services.activities import queries as q
from services.activities.contract import schemas
from services.activities.contract.events import registry
from services.activities.domain.activity import Activity
from services.activities.domain.channel import WeChatGroup
from services.activities.domain.compliance import (
    ComplianceConfig,
    compliance,
    due_windows,
    unit_history,
)
from services.activities.domain.ical import unit_calendar as render_unit_calendar
from services.activities.domain.meetings import Absence, Meeting
from services.activities.domain.periods import parse_period
from services.activities.domain.stats import activity_stats
from services.activities.domain.supervision import FollowUp, SupervisionVisit
from services.activities.domain.unified import EXCUSED, PART_HELD, UnifiedActivity
from services.activities.domain.work_menu import WorkMenu, adoption_report
from services.activities.projections import projector
from services.activities.tracked import TRACKED
from services.common.org_facts import get_known_cooperative

Scope = list[str] | None


def compliance_config() -> ComplianceConfig:
    """Cadences of the two configurable duties (DOMAIN.md: "regular", "periodic")."""
    return ComplianceConfig(
        working_committee_regular=os.environ.get("ACTIVITIES_REGULAR_MEETING_CADENCE",
                                                 "monthly"),
        training_new_tech_class=os.environ.get("ACTIVITIES_TRAINING_CLASS_CADENCE",
                                               "quarterly"),
    )


_new_id = clock.new_id


def _year_span(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    # Duty windows are calendar-aligned and no longer than a year: the years around a
    # period hold every meeting that can count for it.
    return dt.date(first.year, 1, 1), dt.date(last.year, 12, 31)


def _require_body(payload: Any) -> dict:
    return payload if isinstance(payload, dict) else {}


class ActivitiesService(FeedMixin):
    name = "activities"
    es = EventSourcing("activities", registry, projector, tracked=TRACKED)

    # -- facts learnt from org -------------------------------------------------------------
    @command
    def last_attendance(self, member_ids: list[str]) -> dict[str, str]:
        """The last day each member took part in organizational life: a recorded meeting or
        a held activity (issue 12: 自行脱团 needs it)."""
        def query(cur) -> dict[str, str]:
            cur.execute(
                "SELECT m, max(d)::text FROM ("
                " SELECT unnest(attendee_member_ids) AS m, held_on AS d FROM meetings"
                "  WHERE status = 'recorded' AND attendee_member_ids && %s"
                " UNION ALL SELECT unnest(attendee_member_ids), held_on FROM activities"
                "  WHERE held_on IS NOT NULL AND attendee_member_ids && %s) x"
                " WHERE m = ANY(%s) GROUP BY m", (list(member_ids),) * 3)
            return dict(cur.fetchall())

        return self.es.read(query)

    @command
    def known_cooperative(self, coop_id: str) -> dict:
        coop = self.es.read(lambda cur: get_known_cooperative(cur, coop_id))
        if coop is None:
            raise NotFound(f"cooperative {coop_id} not known to activities")
        return coop

    @command
    def known_unit(self, unit_id: str, scope: Scope = None) -> dict:
        return jsonable(self.es.read(lambda cur: q.known_unit(cur, unit_id, scope)))

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
        for unit_id in activity.organizer_unit_ids:
            part = unified.parts.get(unit_id)
            if part is not None and part.status != EXCUSED:
                unified.link_activity(unit_id, activity.id)
                return
        raise RuleViolation("none of the organizers takes part in the unified activity",
                            {"rule": "not_a_participant",
                             "unified_activity_id": unified.id,
                             "unit_ids": sorted(unified.parts)})

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

    # -- unified activities ----------------------------------------------------------------
    @command
    def issue_unified_activity(self, payload: dict, command_id: str | None = None,
                               scope: Scope = None) -> dict:
        fields = load(schemas.UnifiedActivityIn(), payload)

        def handle(tx: Tx) -> dict:
            _require_active_units(tx.cur, "unit_ids", fields["unit_ids"], scope)
            self._check_menu_item(tx.cur, fields["work_menu_item_id"])
            unified = tx.add(UnifiedActivity(_new_id()))
            assert isinstance(unified, UnifiedActivity)
            unified.issue(**fields, issued_on=q.today())
            return {"id": unified.id}

        result = self.es.run(handle, command_id)
        return self.get_unified_activity(result["id"])

    @command
    def add_unified_units(self, unified_id: str, payload: dict, command_id: str | None = None,
                          scope: Scope = None) -> dict:
        fields = load(schemas.UnitIdsIn(), payload)

        def handle(tx: Tx) -> dict:
            q.unified_row(tx.cur, unified_id, scope)
            _require_active_units(tx.cur, "unit_ids", fields["unit_ids"], scope)
            tx.get(UnifiedActivity, unified_id, "unified activity").add_units(fields["unit_ids"])
            return {"id": unified_id}

        self.es.run(handle, command_id)
        return self.get_unified_activity(unified_id, scope)

    @command
    def excuse_unified_unit(self, unified_id: str, unit_id: str, payload: dict,
                            command_id: str | None = None, scope: Scope = None) -> dict:
        fields = load(schemas.ReasonIn(), payload)

        def handle(tx: Tx) -> dict:
            q.unified_row(tx.cur, unified_id, scope)
            unified = tx.get(UnifiedActivity, unified_id, "unified activity")
            if unit_id not in unified.parts or (scope is not None and unit_id not in scope):
                raise NotFound(f"unit {unit_id} does not take part")
            unified.excuse_unit(unit_id, reason=fields["reason"])
            return {"id": unified_id}

        self.es.run(handle, command_id)
        return self.get_unified_activity(unified_id, scope)

    @command
    def close_unified_activity(self, unified_id: str, command_id: str | None = None,
                               scope: Scope = None) -> dict:
        def handle(tx: Tx) -> dict:
            q.unified_row(tx.cur, unified_id, scope)
            unified = tx.get(UnifiedActivity, unified_id, "unified activity")
            if scope is not None and not set(unified.parts) <= set(scope):
                raise Forbidden("only a token that sees every taking-part unit may close it")
            unified.close(closed_on=q.today())
            return {"id": unified_id}

        self.es.run(handle, command_id)
        return self.get_unified_activity(unified_id, scope)

    @command
    def get_unified_activity(self, unified_id: str, scope: Scope = None) -> dict:
        def query(cur) -> dict:
            return q.unified_dicts(cur, [q.unified_row(cur, unified_id, scope)], scope)[0]

        return self.es.read(query)

    @command
    def list_unified_activities(self, filters: dict | None = None, limit: int = 50,
                                cursor: str | None = None, scope: Scope = None) -> dict:
        limit = pagination.clamp_limit(limit)
        return self.es.read(lambda cur: q.list_unified(cur, filters or {}, limit, cursor, scope))

    @command
    def unified_completion(self, year: int | None = None, scope: Scope = None) -> dict:
        return self.es.read(lambda cur: q.unified_completion(cur, year, scope))

    # -- work menus ------------------------------------------------------------------------
    @staticmethod
    def _county_level(scope: Scope) -> None:
        if scope is not None:
            raise Forbidden("the work menu is the county's: a unit-scoped token may only adopt")

    @command
    def draft_work_menu(self, payload: dict, command_id: str | None = None,
                        scope: Scope = None) -> dict:
        fields = load(schemas.WorkMenuIn(), payload)
        self._county_level(scope)

        def handle(tx: Tx) -> dict:
            menu = tx.add(WorkMenu(_new_id()))
            assert isinstance(menu, WorkMenu)
            menu.draft(**fields)
            return {"id": menu.id}

        result = self.es.run(handle, command_id)
        return self.get_work_menu(result["id"])

    @command
    def add_work_menu_item(self, menu_id: str, payload: dict, command_id: str | None = None,
                           scope: Scope = None) -> dict:
        fields = load(schemas.WorkMenuItemIn(), payload)
        self._county_level(scope)

        def handle(tx: Tx) -> dict:
            tx.get(WorkMenu, menu_id, "work menu").add_item(_new_id(), **fields)
            return {"id": menu_id}

        self.es.run(handle, command_id)
        return self.get_work_menu(menu_id)

    @command
    def withdraw_work_menu_item(self, menu_id: str, item_id: str, payload: dict,
                                command_id: str | None = None, scope: Scope = None) -> dict:
        fields = load(schemas.ReasonIn(), payload)
        self._county_level(scope)

        def handle(tx: Tx) -> dict:
            menu = tx.get(WorkMenu, menu_id, "work menu")
            if item_id not in menu.items:
                raise NotFound(f"item {item_id} is not on the menu")
            menu.withdraw_item(item_id, reason=fields["reason"])
            return {"id": menu_id}

        self.es.run(handle, command_id)
        return self.get_work_menu(menu_id)

    @command
    def publish_work_menu(self, menu_id: str, command_id: str | None = None,
                          scope: Scope = None) -> dict:
        self._county_level(scope)

        def handle(tx: Tx) -> dict:
            tx.get(WorkMenu, menu_id, "work menu").publish(published_on=q.today())
            return {"id": menu_id}

        self.es.run(handle, command_id)
        return self.get_work_menu(menu_id)

    @command
    def adopt_work_menu_item(self, menu_id: str, payload: dict, command_id: str | None = None,
                             scope: Scope = None) -> dict:
        fields = load(schemas.AdoptionIn(), payload)

        def handle(tx: Tx) -> dict:
            menu = tx.get(WorkMenu, menu_id, "work menu")
            q.require_active_unit(tx.cur, "unit_id", fields["unit_id"], scope)
            if fields["item_id"] not in menu.items:
                raise InvalidInput.field("item_id", "is not an item of this menu")
            menu.adopt(fields["unit_id"], fields["item_id"], adopted_on=q.today())
            return {"id": menu_id}

        self.es.run(handle, command_id)
        return self.get_work_menu(menu_id, scope)

    @command
    def drop_work_menu_adoption(self, menu_id: str, unit_id: str, item_id: str, payload: dict,
                                command_id: str | None = None, scope: Scope = None) -> dict:
        fields = load(schemas.ReasonIn(), payload)

        def handle(tx: Tx) -> dict:
            menu = tx.get(WorkMenu, menu_id, "work menu")
            if (scope is not None and unit_id not in scope) or item_id not in menu.adoptions.get(
                    unit_id, []):
                raise NotFound(f"unit {unit_id} has not adopted item {item_id}")
            menu.drop_adoption(unit_id, item_id, reason=fields["reason"])
            return {"id": menu_id}

        self.es.run(handle, command_id)
        return self.get_work_menu(menu_id, scope)

    @command
    def get_work_menu(self, menu_id: str, scope: Scope = None) -> dict:
        return self.es.read(lambda cur: q.menu_dict(cur, menu_id, scope))

    @command
    def list_work_menus(self, filters: dict | None = None, limit: int = 50,
                        cursor: str | None = None, scope: Scope = None) -> dict:
        limit = pagination.clamp_limit(limit)
        return self.es.read(lambda cur: q.list_menus(cur, filters or {}, limit, cursor, scope))

    @command
    def work_menu_adoption_report(self, menu_id: str, scope: Scope = None) -> dict:
        """Adoption and delivery per item over the active units (those in scope)."""

        def query(cur) -> dict:
            q.menu_dict(cur, menu_id)  # NotFound before reading the stream
            history = self.es.store.read_stream(cur, WorkMenu.stream_id_for(menu_id))
            menu = WorkMenu.from_history(menu_id, [(e["type"], e["data"]) for e in history])
            units = [u["id"] for u in q.known_units(cur, scope) if u["status"] == "active"]
            first, last = dt.date(menu.year, 1, 1), dt.date(menu.year, 12, 31)
            facts = q.held_activity_facts(cur, first, last, scope)
            if scope is not None:
                menu.adoptions = {u: ids for u, ids in menu.adoptions.items() if u in scope}
            return {"menu_id": menu_id, **adoption_report(menu, units, facts).to_dict()}

        return self.es.read(query)

    # -- supervision visits ----------------------------------------------------------------
    @command
    def record_supervision_visit(self, payload: dict, command_id: str | None = None,
                                 scope: Scope = None) -> dict:
        fields = load(schemas.SupervisionVisitIn(), payload)

        def handle(tx: Tx) -> dict:
            rows = q.known_units(tx.cur, scope, [fields["unit_id"]])
            if not rows:
                raise InvalidInput.field("unit_id", f"unknown unit: {fields['unit_id']}")
            visit = tx.add(SupervisionVisit(_new_id()))
            assert isinstance(visit, SupervisionVisit)
            actions = [FollowUp(_new_id(), a["description"], a["due_on"])
                       for a in fields["actions"]]
            visit.record(visitor=fields["visitor"], unit_id=fields["unit_id"],
                         visited_on=fields["visited_on"], findings=fields["findings"],
                         today=q.today(), actions=actions)
            return {"id": visit.id}

        result = self.es.run(handle, command_id)
        return self.get_supervision_visit(result["id"])

    @command
    def add_supervision_action(self, visit_id: str, payload: dict,
                               command_id: str | None = None, scope: Scope = None) -> dict:
        fields = load(schemas.FollowUpIn(), payload)

        def handle(tx: Tx) -> dict:
            q.visit_row(tx.cur, visit_id, scope)
            visit = tx.get(SupervisionVisit, visit_id, "supervision visit")
            visit.add_action(FollowUp(_new_id(), fields["description"], fields["due_on"]))
            return {"id": visit_id}

        self.es.run(handle, command_id)
        return self.get_supervision_visit(visit_id)

    @command
    def close_supervision_action(self, visit_id: str, action_id: str, payload: dict,
                                 command_id: str | None = None, scope: Scope = None) -> dict:
        fields = load(schemas.CloseActionIn(), payload)

        def handle(tx: Tx) -> dict:
            q.visit_row(tx.cur, visit_id, scope)
            visit = tx.get(SupervisionVisit, visit_id, "supervision visit")
            if action_id not in visit.actions:
                raise NotFound(f"action {action_id} not found")
            today = q.today()
            visit.close_action(action_id, closed_on=fields["closed_on"] or today,
                               note=fields["note"], today=today)
            return {"id": visit_id}

        self.es.run(handle, command_id)
        return self.get_supervision_visit(visit_id)

    @command
    def get_supervision_visit(self, visit_id: str, scope: Scope = None) -> dict:
        return self.es.read(lambda cur: q.visit_dicts(
            cur, [q.visit_row(cur, visit_id, scope)], q.today())[0])

    @command
    def list_supervision_visits(self, filters: dict | None = None, limit: int = 50,
                                cursor: str | None = None, scope: Scope = None) -> dict:
        limit = pagination.clamp_limit(limit)
        return self.es.read(lambda cur: q.list_visits(cur, filters or {}, limit, cursor, scope,
                                                      q.today()))

    # -- WeChat groups ---------------------------------------------------------------------
    @command
    def register_wechat_group(self, payload: dict, command_id: str | None = None,
                              scope: Scope = None) -> dict:
        fields = load(schemas.WeChatGroupIn(), payload)

        def handle(tx: Tx) -> dict:
            q.require_active_unit(tx.cur, "unit_id", fields["unit_id"], scope)
            group = tx.add(WeChatGroup(_new_id()))
            assert isinstance(group, WeChatGroup)
            group.register(**{**fields, "as_of": fields["as_of"] or q.today()})
            return {"id": group.id}

        result = self.es.run(handle, command_id)
        return self.get_wechat_group(result["id"])

    @command
    def edit_wechat_group(self, group_id: str, payload: dict, command_id: str | None = None,
                          scope: Scope = None) -> dict:
        fields = load(schemas.WeChatGroupEdit(), payload)
        if not fields:
            raise InvalidInput("nothing to change", {"errors": {"_": ["nothing to change"]}})
        if "admin_member_id" in fields and "admin_name" not in fields:
            raise InvalidInput.field("admin_name", "is required with admin_member_id")

        def handle(tx: Tx) -> dict:
            q.group_row(tx.cur, group_id, scope)
            group = tx.get(WeChatGroup, group_id, "WeChat group")
            if "name" in fields:
                group.rename(name=fields["name"])
            if "admin_name" in fields:
                group.change_admin(admin_name=fields["admin_name"],
                                   admin_member_id=fields.get("admin_member_id"))
            return {"id": group_id}

        self.es.run(handle, command_id)
        return self.get_wechat_group(group_id)

    @command
    def report_wechat_member_count(self, group_id: str, payload: dict,
                                   command_id: str | None = None, scope: Scope = None) -> dict:
        fields = load(schemas.MemberCountIn(), payload)

        def handle(tx: Tx) -> dict:
            q.group_row(tx.cur, group_id, scope)
            tx.get(WeChatGroup, group_id, "WeChat group").report_member_count(
                member_count=fields["member_count"], as_of=fields["as_of"] or q.today())
            return {"id": group_id}

        self.es.run(handle, command_id)
        return self.get_wechat_group(group_id)

    @command
    def close_wechat_group(self, group_id: str, payload: dict, command_id: str | None = None,
                           scope: Scope = None) -> dict:
        fields = load(schemas.CloseGroupIn(), payload)

        def handle(tx: Tx) -> dict:
            q.group_row(tx.cur, group_id, scope)
            tx.get(WeChatGroup, group_id, "WeChat group").close(
                closed_on=fields["closed_on"] or q.today(), reason=fields["reason"])
            return {"id": group_id}

        self.es.run(handle, command_id)
        return self.get_wechat_group(group_id)

    @command
    def get_wechat_group(self, group_id: str, scope: Scope = None) -> dict:
        return self.es.read(lambda cur: q.group_row(cur, group_id, scope))

    @command
    def list_wechat_groups(self, filters: dict | None = None, limit: int = 50,
                           cursor: str | None = None, scope: Scope = None) -> dict:
        limit = pagination.clamp_limit(limit)
        return self.es.read(lambda cur: q.list_groups(cur, filters or {}, limit, cursor, scope))

    # -- meetings --------------------------------------------------------------------------
    @command
    def record_meeting(self, payload: dict, command_id: str | None = None,
                       scope: Scope = None) -> dict:
        fields = load(schemas.MeetingIn(), payload)

        def handle(tx: Tx) -> dict:
            rows = q.known_units(tx.cur, scope, [fields["unit_id"]])
            if not rows:
                raise InvalidInput.field("unit_id", f"unknown unit: {fields['unit_id']}")
            held = fields["held_at"] if fields["held_at"] is not None else fields["held_on"]
            held_on = clock.county_date(held) if isinstance(held, dt.datetime) else held
            members = fields["attendee_member_ids"] + [a["member_id"] for a in
                                                       fields["absentees"]]
            meeting = tx.add(Meeting(_new_id()))
            assert isinstance(meeting, Meeting)
            meeting.record(
                meeting_type=fields["meeting_type"], unit=q.unit_info(rows[0]), held=held,
                attendee_member_ids=fields["attendee_member_ids"],
                absentees=[Absence(a["member_id"], a["reason"]) for a in fields["absentees"]],
                topics=fields["topics"], resolutions=fields["resolutions"],
                minutes=fields["minutes"], today=q.today(),
                known_member_ids=q.attending_member_ids(tx.cur, members, held_on),
                unit_kinds=compliance_config().unit_kinds)
            return {"id": meeting.id}

        result = self.es.run(handle, command_id)
        return self.get_meeting(result["id"])

    @command
    def amend_meeting(self, meeting_id: str, payload: dict, command_id: str | None = None,
                      scope: Scope = None) -> dict:
        fields = load(schemas.MeetingAmendIn(), payload)

        def handle(tx: Tx) -> dict:
            q.meeting_row(tx.cur, meeting_id, scope)
            tx.get(Meeting, meeting_id, "meeting").amend_minutes(**fields)
            return {"id": meeting_id}

        self.es.run(handle, command_id)
        return self.get_meeting(meeting_id)

    @command
    def retract_meeting(self, meeting_id: str, payload: dict, command_id: str | None = None,
                        scope: Scope = None) -> dict:
        fields = load(schemas.ReasonIn(), payload)

        def handle(tx: Tx) -> dict:
            q.meeting_row(tx.cur, meeting_id, scope)
            tx.get(Meeting, meeting_id, "meeting").retract(reason=fields["reason"])
            return {"id": meeting_id}

        self.es.run(handle, command_id)
        return self.get_meeting(meeting_id)

    @command
    def get_meeting(self, meeting_id: str, scope: Scope = None) -> dict:
        return self.es.read(lambda cur: q.meeting_dict(q.meeting_row(cur, meeting_id, scope)))

    @command
    def list_meetings(self, filters: dict | None = None, limit: int = 50,
                      cursor: str | None = None, scope: Scope = None) -> dict:
        limit = pagination.clamp_limit(limit)
        return self.es.read(lambda cur: q.list_meetings(cur, filters or {}, limit, cursor, scope))

    def _compliance(self, cur, period: str, scope: Scope, today: dt.date):
        span = parse_period(period)
        units = [q.unit_info(r) for r in q.known_units(cur, scope)]
        first, last = _year_span(span.start, span.end)
        meetings = q.meeting_facts(cur, [u.id for u in units], first, last)
        return compliance(period, units, meetings, compliance_config(), today)

    @command
    def meeting_compliance(self, period: str, scope: Scope = None) -> dict:
        """Per unit, each duty window of `period` (YYYY-MM or YYYY-Qn): due, held, overdue."""
        today = q.today()
        return self.es.read(lambda cur: self._compliance(cur, period, scope, today).to_dict())

    @command
    def unit_compliance_history(self, unit_id: str, from_period: str | None = None,
                                to_period: str | None = None, scope: Scope = None) -> dict:
        today = q.today()
        to_period = to_period or f"{today:%Y-%m}"
        if from_period is None:
            end = parse_period(to_period)
            if "-Q" in end.label:
                from_period = f"{end.start.year - 1}-Q{(end.start.month - 1) // 3 + 1}"
            else:
                start = dt.date(end.start.year - 1, end.start.month, 1)
                from_period = f"{start:%Y-%m}"

        def query(cur) -> dict:
            unit = q.unit_info(q.known_unit(cur, unit_id, scope))
            first, last = parse_period(str(from_period)), parse_period(str(to_period))
            start, end = _year_span(first.start, last.end)
            meetings = q.meeting_facts(cur, [unit.id], start, end)
            return unit_history(unit, meetings, compliance_config(), str(from_period),
                                str(to_period), today).to_dict()

        return self.es.read(query)

    # -- calendars -------------------------------------------------------------------------
    @command
    def unit_calendar(self, unit_id: str, scope: Scope = None) -> str:
        """iCalendar of a unit: its activities (planned, and cancelled ones so phones drop
        them) from 180 days back, and the meetings it still owes this and last quarter."""
        now = q.now()
        today = q.today()

        def query(cur) -> str:
            row = q.known_unit(cur, unit_id, scope)
            since = now - dt.timedelta(days=180)
            cur.execute(q.ACTIVITY_SELECT + " WHERE %s = ANY(unit_ids) AND status <> 'held'"
                        " AND starts_at >= %s ORDER BY starts_at, id", (unit_id, since))
            facts = [q.activity_facts(dict(zip(q.ACTIVITY_COLUMNS, r, strict=True)))
                     for r in cur.fetchall()]
            quarter = (today.month - 1) // 3 + 1
            previous = (f"{today.year}-Q{quarter - 1}" if quarter > 1
                        else f"{today.year - 1}-Q4")
            duties = []
            for period in (previous, f"{today.year}-Q{quarter}"):
                report = self._compliance(cur, period, [unit_id], today)
                duties.extend(due_windows(report, unit_id))
            return render_unit_calendar(unit_id=unit_id, unit_name=row["name"],
                                        activities=facts, duties=duties, now=now,
                                        use_tzid=True)

        return self.es.read(query)

    # -- dashboard -------------------------------------------------------------------------
    @command
    def dashboard_summary(self, scope: Scope = None, year: int | None = None,
                          month: str | None = None) -> dict:
        """Meeting compliance of `month` (YYYY-MM) and the activities of `year`."""
        today = q.today()
        year = int(year or today.year)
        month = month or f"{today:%Y-%m}"
        if "-Q" in month:
            raise InvalidInput.field("month", "must be YYYY-MM")

        def query(cur) -> dict:
            report = self._compliance(cur, month, scope, today)
            where, args = q.activity_rows(cur, {}, scope)
            local_start = "(starts_at AT TIME ZONE 'Asia/Shanghai')::date"
            cur.execute(
                "SELECT"
                f" count(*) FILTER (WHERE status = 'planned' AND extract(year FROM {local_start})"
                " = %s),"
                " count(*) FILTER (WHERE status = 'held' AND extract(year FROM held_on) = %s),"
                f" count(*) FILTER (WHERE status = 'cancelled'"
                f" AND extract(year FROM {local_start}) = %s),"
                " coalesce(sum(cardinality(attendee_member_ids)) FILTER (WHERE status = 'held'"
                " AND extract(year FROM held_on) = %s), 0)"
                " FROM activities" + (" WHERE " + " AND ".join(where) if where else ""),
                (year, year, year, year, *args))
            planned, held, cancelled, participants = cur.fetchone()
            totals = report.totals
            return {
                "meetings_compliance": {"period": report.period, "due": totals.due,
                                        "held": totals.held, "overdue": totals.overdue},
                "activities": {"year": year, "planned": planned, "held": held,
                               "cancelled": cancelled, "participants": int(participants)},
            }

        return self.es.read(query)


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise InvalidInput.field("date", f"{value!r} is not an ISO date") from exc


def _organizers(cur, organizers: list[str], co_organizers: list[str], scope: Scope
                ) -> set[str]:
    """The active ids an activity may name: League units (in scope) organize; League units
    and the committee's member units (departments) co-organize."""
    league = q.active_unit_ids(cur, organizers + co_organizers, scope)
    departments = q.active_member_unit_ids(cur, organizers + co_organizers)
    wrong = sorted(u for u in organizers if u in departments and u not in league)
    if wrong:
        raise InvalidInput.field("organizer_unit_ids",
                                 "member units (departments) co-organize; a League unit"
                                 " organizes: " + ", ".join(wrong))
    return league | departments


def _require_active_units(cur, field: str, unit_ids: list[str], scope: Scope) -> None:
    validation.unknown_units(field, set(unit_ids) - q.active_unit_ids(cur, unit_ids, scope))
