"""activities's own read models, updated in the command's transaction (and on rebuild).

Every handler writes what the event says (never reads the clock), so a rebuild from the
store gives the same tables as the live updates.
"""

from __future__ import annotations

from typing import Any

from psycopg2.extras import Json

from eventkit.projection import Projector

projector = Projector("activities", tables=[
    "activities", "meetings", "unified_activities", "unified_activity_parts", "work_menus",
    "work_menu_items", "work_menu_adoptions", "supervision_visits", "supervision_actions",
    "wechat_groups",
])


def _id(env: dict[str, Any]) -> str:
    return env["stream_id"].split("-", 1)[1]


def _touch(cur, table: str, env: dict[str, Any], sets: dict[str, Any]) -> None:
    """UPDATE `table` with `sets` plus updated_at and version of the event."""
    assignments = "".join(f"{k} = %s, " for k in sets)
    cur.execute(
        f"UPDATE {table} SET {assignments}updated_at = %s, version = %s WHERE id = %s",
        (*sets.values(), env["occurred_at"], env["version"], _id(env)),
    )


# -- activities ----------------------------------------------------------------------------


@projector.on("ActivityPlanned")
def activity_planned(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO activities (id, status, kind, title, organizer_unit_ids,"
        " co_organizer_unit_ids, unit_ids, starts_at, ends_at, venue, audience,"
        " expected_attendance, budget_fen, work_menu_item_id, unified_activity_id,"
        " planned_at, updated_at, version)"
        " VALUES (%s, 'planned', %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (_id(env), d["kind"], d["title"], d["organizer_unit_ids"], d["co_organizer_unit_ids"],
         d["organizer_unit_ids"] + d["co_organizer_unit_ids"], d["starts_at"], d["ends_at"],
         d["venue"], d["audience"], d["expected_attendance"], d["budget_fen"],
         d.get("work_menu_item_id"), d.get("unified_activity_id"), env["occurred_at"],
         env["occurred_at"], env["version"]),
    )


@projector.on("ActivityEdited")
def activity_edited(cur, env: dict[str, Any]) -> None:
    sets = dict(env["data"])
    if "organizer_unit_ids" in sets or "co_organizer_unit_ids" in sets:
        cur.execute("SELECT organizer_unit_ids, co_organizer_unit_ids FROM activities"
                    " WHERE id = %s", (_id(env),))
        organizers, co_organizers = cur.fetchone()
        sets["unit_ids"] = (sets.get("organizer_unit_ids", organizers)
                            + sets.get("co_organizer_unit_ids", co_organizers))
    _touch(cur, "activities", env, sets)


@projector.on("ActivityRegistrationAdded")
def registration_added(cur, env: dict[str, Any]) -> None:
    cur.execute("UPDATE activities SET registered_member_ids = registered_member_ids || %s::text,"
                " updated_at = %s, version = %s WHERE id = %s",
                (env["data"]["member_id"], env["occurred_at"], env["version"], _id(env)))


@projector.on("ActivityRegistrationWithdrawn")
def registration_withdrawn(cur, env: dict[str, Any]) -> None:
    cur.execute("UPDATE activities SET registered_member_ids = array_remove("
                "registered_member_ids, %s::text), updated_at = %s, version = %s WHERE id = %s",
                (env["data"]["member_id"], env["occurred_at"], env["version"], _id(env)))


@projector.on("ActivityCheckInRecorded")
def check_in_recorded(cur, env: dict[str, Any]) -> None:
    cur.execute("UPDATE activities SET checked_in_member_ids = checked_in_member_ids || %s::text,"
                " updated_at = %s, version = %s WHERE id = %s",
                (env["data"]["member_id"], env["occurred_at"], env["version"], _id(env)))


@projector.on("ActivityHeld")
def activity_held(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _touch(cur, "activities", env, {
        "status": "held", "held_on": d["held_on"], "attendee_member_ids": d["attendee_member_ids"],
        "summary": d["summary"], "outcome_figures": Json(d["outcome_figures"]),
    })


@projector.on("ActivityCancelled")
def activity_cancelled(cur, env: dict[str, Any]) -> None:
    _touch(cur, "activities", env, {"status": "cancelled", "cancel_reason": env["data"]["reason"]})


# -- meetings ------------------------------------------------------------------------------


@projector.on("MeetingRecorded")
def meeting_recorded(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO meetings (id, meeting_type, unit_id, held_on, held_at, attendee_member_ids,"
        " absentees, topics, resolutions, minutes, status, recorded_at, updated_at, version,"
        " attendance) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'recorded', %s, %s, %s,"
        " %s)",
        (_id(env), d["meeting_type"], d["unit_id"], d["held_on"], d.get("held_at"),
         d["attendee_member_ids"], Json(d["absentees"]), Json(d["topics"]),
         Json(d["resolutions"]), d["minutes"], env["occurred_at"], env["occurred_at"],
         env["version"], Json(d["attendance"])),
    )


@projector.on("MeetingMinutesAmended")
def meeting_amended(cur, env: dict[str, Any]) -> None:
    sets: dict[str, Any] = {"minutes": env["data"]["minutes"]}
    if "resolutions" in env["data"]:
        sets["resolutions"] = Json(env["data"]["resolutions"])
    _touch(cur, "meetings", env, sets)


@projector.on("MeetingRecordRetracted")
def meeting_retracted(cur, env: dict[str, Any]) -> None:
    _touch(cur, "meetings", env, {"status": "retracted", "retract_reason": env["data"]["reason"]})


# -- unified activities --------------------------------------------------------------------


def _add_parts(cur, unified_id: str, unit_ids: list[str]) -> None:
    for unit_id in unit_ids:
        cur.execute("INSERT INTO unified_activity_parts (unified_activity_id, unit_id, status)"
                    " VALUES (%s, %s, 'assigned')", (unified_id, unit_id))


@projector.on("UnifiedActivityIssued")
def unified_issued(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO unified_activities (id, title, kind, description, window_start, window_end,"
        " issued_on, work_menu_item_id, status, updated_at, version)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'issued', %s, %s)",
        (_id(env), d["title"], d["kind"], d["description"], d["window_start"], d["window_end"],
         d["issued_on"], d.get("work_menu_item_id"), env["occurred_at"], env["version"]),
    )
    _add_parts(cur, _id(env), d["unit_ids"])


@projector.on("UnifiedActivityUnitsAdded")
def unified_units_added(cur, env: dict[str, Any]) -> None:
    _add_parts(cur, _id(env), env["data"]["unit_ids"])
    _touch(cur, "unified_activities", env, {})


def _part(cur, env: dict[str, Any], sql: str, args: tuple) -> None:
    cur.execute(f"UPDATE unified_activity_parts SET {sql}"
                " WHERE unified_activity_id = %s AND unit_id = %s",
                (*args, _id(env), env["data"]["unit_id"]))
    _touch(cur, "unified_activities", env, {})


@projector.on("UnifiedActivityUnitExcused")
def unified_unit_excused(cur, env: dict[str, Any]) -> None:
    _part(cur, env, "status = 'excused', excuse = %s", (env["data"]["reason"],))


@projector.on("UnifiedActivityPartLinked")
def unified_part_linked(cur, env: dict[str, Any]) -> None:
    _part(cur, env, "activity_ids = activity_ids || %s::text,"
          " status = CASE WHEN status = 'assigned' THEN 'linked' ELSE status END",
          (env["data"]["activity_id"],))


@projector.on("UnifiedActivityPartHeld")
def unified_part_held(cur, env: dict[str, Any]) -> None:
    _part(cur, env, "status = 'held', held_on = %s", (env["data"]["held_on"],))


@projector.on("UnifiedActivityClosed")
def unified_closed(cur, env: dict[str, Any]) -> None:
    _touch(cur, "unified_activities", env,
           {"status": "closed", "closed_on": env["data"]["closed_on"]})


# -- work menus ----------------------------------------------------------------------------


@projector.on("WorkMenuDrafted")
def menu_drafted(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute("INSERT INTO work_menus (id, year, title, status, updated_at, version)"
                " VALUES (%s, %s, %s, 'draft', %s, %s)",
                (_id(env), d["year"], d["title"], env["occurred_at"], env["version"]))


@projector.on("WorkMenuItemAdded")
def menu_item_added(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute("INSERT INTO work_menu_items (menu_id, item_id, title, kind, description,"
                " suggested_months) VALUES (%s, %s, %s, %s, %s, %s)",
                (_id(env), d["item_id"], d["title"], d["kind"], d["description"],
                 d["suggested_months"]))
    _touch(cur, "work_menus", env, {})


@projector.on("WorkMenuItemWithdrawn")
def menu_item_withdrawn(cur, env: dict[str, Any]) -> None:
    cur.execute("UPDATE work_menu_items SET withdrawn = true, withdraw_reason = %s"
                " WHERE menu_id = %s AND item_id = %s",
                (env["data"]["reason"], _id(env), env["data"]["item_id"]))
    _touch(cur, "work_menus", env, {})


@projector.on("WorkMenuPublished")
def menu_published(cur, env: dict[str, Any]) -> None:
    _touch(cur, "work_menus", env,
           {"status": "published", "published_on": env["data"]["published_on"]})


@projector.on("WorkMenuItemAdopted")
def menu_item_adopted(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute("INSERT INTO work_menu_adoptions (menu_id, unit_id, item_id, adopted_on)"
                " VALUES (%s, %s, %s, %s)", (_id(env), d["unit_id"], d["item_id"],
                                             d["adopted_on"]))
    _touch(cur, "work_menus", env, {})


@projector.on("WorkMenuAdoptionDropped")
def menu_adoption_dropped(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute("DELETE FROM work_menu_adoptions WHERE menu_id = %s AND unit_id = %s"
                " AND item_id = %s", (_id(env), d["unit_id"], d["item_id"]))
    _touch(cur, "work_menus", env, {})


# -- supervision ---------------------------------------------------------------------------


def _add_action(cur, visit_id: str, action: dict[str, Any]) -> None:
    cur.execute("INSERT INTO supervision_actions (visit_id, action_id, description, due_on)"
                " VALUES (%s, %s, %s, %s)",
                (visit_id, action["action_id"], action["description"], action.get("due_on")))


@projector.on("SupervisionVisitRecorded")
def visit_recorded(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute("INSERT INTO supervision_visits (id, visitor, unit_id, visited_on, findings,"
                " updated_at, version) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (_id(env), d["visitor"], d["unit_id"], d["visited_on"], Json(d["findings"]),
                 env["occurred_at"], env["version"]))
    for action in d["actions"]:
        _add_action(cur, _id(env), action)


@projector.on("SupervisionActionAdded")
def visit_action_added(cur, env: dict[str, Any]) -> None:
    _add_action(cur, _id(env), env["data"])
    _touch(cur, "supervision_visits", env, {})


@projector.on("SupervisionActionClosed")
def visit_action_closed(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute("UPDATE supervision_actions SET closed_on = %s, note = %s"
                " WHERE visit_id = %s AND action_id = %s",
                (d["closed_on"], d["note"], _id(env), d["action_id"]))
    _touch(cur, "supervision_visits", env, {})


# -- WeChat groups -------------------------------------------------------------------------


@projector.on("WeChatGroupRegistered")
def group_registered(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO wechat_groups (id, unit_id, name, admin_name, admin_member_id, member_count,"
        " member_count_as_of, status, registered_at, updated_at, version)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, 'active', %s, %s, %s)",
        (_id(env), d["unit_id"], d["name"], d["admin_name"], d.get("admin_member_id"),
         d["member_count"], d["as_of"], env["occurred_at"], env["occurred_at"], env["version"]),
    )


@projector.on("WeChatGroupRenamed")
def group_renamed(cur, env: dict[str, Any]) -> None:
    _touch(cur, "wechat_groups", env, {"name": env["data"]["name"]})


@projector.on("WeChatGroupAdminChanged")
def group_admin_changed(cur, env: dict[str, Any]) -> None:
    _touch(cur, "wechat_groups", env, {"admin_name": env["data"]["admin_name"],
                                       "admin_member_id": env["data"].get("admin_member_id")})


@projector.on("WeChatGroupMemberCountReported")
def group_member_count(cur, env: dict[str, Any]) -> None:
    _touch(cur, "wechat_groups", env, {"member_count": env["data"]["member_count"],
                                       "member_count_as_of": env["data"]["as_of"]})


@projector.on("WeChatGroupClosed")
def group_closed(cur, env: dict[str, Any]) -> None:
    _touch(cur, "wechat_groups", env, {"status": "closed",
                                       "closed_on": env["data"]["closed_on"],
                                       "close_reason": env["data"]["reason"]})
