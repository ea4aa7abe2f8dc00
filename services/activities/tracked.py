"""Facts activities learns from other services' events (tracked projections).

From org: cooperatives (fields from org's contract, SQL from eventkit.known), units (kind,
parent, nearest professional committee, township, created/dissolved local dates) and members
(unit, kind, status; never the resident id, phone or birth date).

The Tracker applies org's events in position order, each once, with the tracking row in the
same transaction. The handlers still guard every row with `org_position` so that a replay of
an older event (e.g. a tracking row reset by hand) never overwrites a newer fact.
"""

from __future__ import annotations

from typing import Any

from eventkit.identifiers import ERASED
from eventkit.known import KnownTable
from eventkit.people import on_erasure, scrub_columns
from eventkit.projection import Projector, aggregate_id
from services.org.contract.events import COOPERATIVE_EVENTS, COOPERATIVE_FIELDS

PROFESSIONAL_COMMITTEE = "professional_committee"

from_org = Projector("activities.from.org",
                     tables=["known_cooperatives", "known_units", "known_members",
                             "known_member_units", "known_committee_people",
                             "known_member_posts"])
# -- cooperatives (this service's own copy of org's facts: fields from org's contract, the
# SQL from the kernel's KnownTable) ---------------------------------------------------------
known_cooperatives = KnownTable("known_cooperatives", COOPERATIVE_FIELDS, "org_position")
known_cooperatives.track(from_org, *COOPERATIVE_EVENTS)


# -- units ---------------------------------------------------------------------------------


def _committee_under(cur, parent_id: str | None) -> str | None:
    """The professional committee a child of `parent_id` belongs to."""
    if parent_id is None:
        return None
    cur.execute("SELECT kind, professional_committee_id FROM known_units WHERE id = %s",
                (parent_id,))
    row = cur.fetchone()
    if row is None:
        return None
    kind, committee = row
    return parent_id if kind == PROFESSIONAL_COMMITTEE else committee


def _newer(cur, table: str, row_id: str, position: int) -> bool:
    """True when the row exists and this event is newer than what last changed it."""
    cur.execute(f"SELECT org_position FROM {table} WHERE id = %s FOR UPDATE", (row_id,))
    row = cur.fetchone()
    return row is not None and row[0] < position


@from_org.on("UnitCreated")
def unit_created(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    committee = None if d["kind"] == PROFESSIONAL_COMMITTEE else _committee_under(
        cur, d["parent_id"])
    cur.execute(
        "INSERT INTO known_units (id, name, kind, parent_id, professional_committee_id,"
        " industry, township, created_on, dissolved_on, status, merged_into, org_position,"
        " learnt_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, NULL, 'active', NULL, %s, now())"
        " ON CONFLICT (id) DO NOTHING",
        (aggregate_id(env), d["name"], d["kind"], d["parent_id"], committee, d.get("industry"),
         d.get("township"), d["on"], env["position"]),
    )


@from_org.on("UnitRenamed")
def unit_renamed(cur, env: dict[str, Any]) -> None:
    unit_id = aggregate_id(env)
    if _newer(cur, "known_units", unit_id, env["position"]):
        cur.execute("UPDATE known_units SET name = %s, org_position = %s WHERE id = %s",
                    (env["data"]["name"], env["position"], unit_id))


@from_org.on("UnitManagementChanged")
def unit_management_changed(cur, env: dict[str, Any]) -> None:
    unit_id = aggregate_id(env)
    if _newer(cur, "known_units", unit_id, env["position"]):
        cur.execute("UPDATE known_units SET township = %s, org_position = %s WHERE id = %s",
                    (env["data"].get("township"), env["position"], unit_id))


@from_org.on("UnitMoved")
def unit_moved(cur, env: dict[str, Any]) -> None:
    unit_id = aggregate_id(env)
    if not _newer(cur, "known_units", unit_id, env["position"]):
        return
    parent_id = env["data"]["to_parent_id"]
    cur.execute("UPDATE known_units SET parent_id = %s, org_position = %s WHERE id = %s"
                " RETURNING kind", (parent_id, env["position"], unit_id))
    (kind,) = cur.fetchone()
    committee = None if kind == PROFESSIONAL_COMMITTEE else _committee_under(cur, parent_id)
    # The moved unit and everything below it may now sit under another committee.
    cur.execute(
        "WITH RECURSIVE sub(id, kind, committee) AS ("
        "  SELECT id, kind, %s::text FROM known_units WHERE id = %s"
        "  UNION ALL"
        "  SELECT c.id, c.kind, CASE WHEN c.kind = %s THEN NULL"
        "                            WHEN sub.kind = %s THEN sub.id ELSE sub.committee END"
        "  FROM known_units c JOIN sub ON c.parent_id = sub.id)"
        " UPDATE known_units k SET professional_committee_id = sub.committee"
        " FROM sub WHERE k.id = sub.id",
        (committee, unit_id, PROFESSIONAL_COMMITTEE, PROFESSIONAL_COMMITTEE),
    )


@from_org.on("FoundingConferenceHeld")
def founding_conference_held(cur, env: dict[str, Any]) -> None:
    """The committee's root unit has the committee's id; its meeting duties start today."""
    cur.execute("UPDATE known_units SET founded_on = %s WHERE id = %s",
                (env["data"]["on"], aggregate_id(env)))


def _ended(status: str):
    def handler(cur, env: dict[str, Any]) -> None:
        unit_id = aggregate_id(env)
        if _newer(cur, "known_units", unit_id, env["position"]):
            cur.execute(
                "UPDATE known_units SET status = %s, dissolved_on = %s, merged_into = %s,"
                " org_position = %s WHERE id = %s",
                (status, env["data"]["on"], env["data"].get("target_unit_id"), env["position"],
                 unit_id))

    return handler


# A merged unit owes nothing after the merge, exactly like a dissolved one.
from_org.on("UnitMergedInto")(_ended("merged"))
from_org.on("UnitDissolved")(_ended("dissolved"))


# -- member units (departments on the committee) ------------------------------------------


@from_org.on("MemberUnitAdded")
def member_unit_added(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO known_member_units (id, committee_id, name, department_type, status,"
        " org_position, learnt_at) VALUES (%s, %s, %s, %s, 'active', %s, now())"
        " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, status = 'active',"
        " department_type = EXCLUDED.department_type, org_position = EXCLUDED.org_position"
        " WHERE known_member_units.org_position < EXCLUDED.org_position",
        (d["member_unit_id"], aggregate_id(env), d["name"], d["department_type"],
         env["position"]),
    )


@from_org.on("MemberUnitRemoved")
def member_unit_removed(cur, env: dict[str, Any]) -> None:
    cur.execute("UPDATE known_member_units SET status = 'removed', org_position = %s"
                " WHERE id = %s AND org_position < %s",
                (env["position"], env["data"]["member_unit_id"], env["position"]))


# -- members -------------------------------------------------------------------------------


@from_org.on("MemberRegistered")
def member_registered(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO known_members (id, name, kind, unit_id, status, status_since,"
        " org_position, learnt_at) VALUES (%s, %s, %s, %s, 'active', NULL, %s, now())"
        " ON CONFLICT (id) DO NOTHING",
        (aggregate_id(env), d["name"], d["kind"], d["unit_id"], env["position"]),
    )


@from_org.on("TransferApproved", "MemberReassigned")
def member_moved(cur, env: dict[str, Any]) -> None:
    member_id = aggregate_id(env)
    if _newer(cur, "known_members", member_id, env["position"]):
        cur.execute("UPDATE known_members SET unit_id = %s, org_position = %s WHERE id = %s",
                    (env["data"]["to_unit_id"], env["position"], member_id))


def _member_status(status: str):
    def handler(cur, env: dict[str, Any]) -> None:
        member_id = aggregate_id(env)
        if _newer(cur, "known_members", member_id, env["position"]):
            cur.execute(
                "UPDATE known_members SET status = %s, status_since = %s, org_position = %s"
                " WHERE id = %s", (status, env["data"]["on"], env["position"], member_id))

    return handler


from_org.on("MemberAgedOut")(_member_status("aged_out"))
from_org.on("MemberLeft")(_member_status("left"))


# -- the working committee's people and members' posts (issue 12) -------------------------


def _appointed(role: str):
    """Secretary, deputy secretary or committee member appointed (again): the post runs from
    `on` until a removal. Guarded by `org_position`, so a replayed older event is a no-op."""
    def handler(cur, env: dict[str, Any]) -> None:
        d = env["data"]
        cur.execute(
            "INSERT INTO known_committee_people (committee_id, person_id, role, name,"
            " appointed_on, removed_on, org_position) VALUES (%s, %s, %s, %s, %s, NULL, %s)"
            " ON CONFLICT (committee_id, person_id, role) DO UPDATE SET name = EXCLUDED.name,"
            " appointed_on = EXCLUDED.appointed_on, removed_on = NULL,"
            " org_position = EXCLUDED.org_position"
            " WHERE known_committee_people.org_position < EXCLUDED.org_position",
            (aggregate_id(env), d["person_id"], role, d["name"], d["on"], env["position"]))

    return handler


def _removed(role: str):
    def handler(cur, env: dict[str, Any]) -> None:
        d = env["data"]
        cur.execute(
            "UPDATE known_committee_people SET removed_on = %s, org_position = %s"
            " WHERE committee_id = %s AND person_id = %s AND role = %s AND org_position < %s",
            (d["on"], env["position"], aggregate_id(env), d["person_id"], role,
             env["position"]))

    return handler


for _role, _appoint_event, _remove_event in (
        ("secretary", "SecretaryAppointed", "SecretaryRemoved"),
        ("deputy_secretary", "DeputySecretaryAppointed", "DeputySecretaryRemoved"),
        ("committee_member", "CommitteeMemberAppointed", "CommitteeMemberRemoved")):
    from_org.on(_appoint_event)(_appointed(_role))
    from_org.on(_remove_event)(_removed(_role))


@from_org.on("RoleAssigned")
def role_assigned(cur, env: dict[str, Any]) -> None:
    """A member's post in a unit; open until RoleEnded (or a move / leaving ends it)."""
    d = env["data"]
    cur.execute(
        "INSERT INTO known_member_posts (role_id, member_id, role, unit_id, start_on, end_on)"
        " VALUES (%s, %s, %s, %s, %s, NULL) ON CONFLICT (role_id) DO NOTHING",
        (d["role_id"], aggregate_id(env), d["role"], d["unit_id"], d["start"]))


def _end_posts(cur, role_ids: list[str], on: str) -> None:
    if role_ids:
        cur.execute("UPDATE known_member_posts SET end_on = %s"
                    " WHERE role_id = ANY(%s) AND end_on IS NULL", (on, role_ids))


@from_org.on("RoleEnded")
def role_ended(cur, env: dict[str, Any]) -> None:
    _end_posts(cur, [env["data"]["role_id"]], env["data"]["end"])


@from_org.on("TransferApproved", "MemberReassigned", "MemberAgedOut", "MemberLeft")
def posts_ended(cur, env: dict[str, Any]) -> None:
    _end_posts(cur, list(env["data"].get("ended_role_ids") or []), env["data"]["on"])


TRACKED = {"org": from_org}


# -- personal information (eventkit/people.py) ---------------------------------------------


def _scrub_person(cur, person_id: str) -> None:
    """org's PersonErased: this service's key of the person is destroyed (so its own events
    read 已删除, in a rebuild too) and the person's values in its read models overwritten."""
    scrub_columns(cur, "known_members", "id", person_id, {"name": ERASED})
    scrub_columns(cur, "known_committee_people", "person_id", person_id, {"name": ERASED})
    scrub_columns(cur, "wechat_groups", "admin_member_id", person_id, {"admin_name": ERASED})


on_erasure(from_org, "activities", _scrub_person)
