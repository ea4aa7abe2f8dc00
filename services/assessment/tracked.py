"""Facts assessment learns from other services' events (tracked projections).

One projector per source. The Tracker applies each source's events once and in position
order; the handlers are nevertheless idempotent per row (inserts keyed by the source event
id, `ON CONFLICT DO NOTHING`; updates that set a value), so a redelivery outside the Tracker
cannot double count either. Evidence facts are keyed by the source event id and dated by
when they happened, never by when they arrived: a late event lands in its own year.

- org: committees, member units, the people of the committee (secretary, deputy
  secretaries, committee members), League units, members and their posts; from these,
  `person_units` (which units each committee person belongs to, and why) is recomputed.
- activities: activities held (per organizing and co-organizing unit) and meetings held.
- funding: receipts of a unit's fund (with reversals) and credit granted on a unit's
  recommendation (with revocations).
"""

from __future__ import annotations

from typing import Any

from psycopg2.extras import Json

from eventkit import clock
from eventkit.identifiers import ERASED
from eventkit.known import KnownTable
from eventkit.people import on_erasure, scrub_columns
from eventkit.projection import Projector, aggregate_id
from services.activities.contract.enums import CHAIRING_ROLES
from services.org.contract.events import COOPERATIVE_EVENTS, COOPERATIVE_FIELDS

# the kernel's county clock
local_day = clock.county_day


# ---------------------------------------------------------------------------------- org

from_org = Projector(
    "assessment.from.org",
    tables=["known_cooperatives", "known_committees", "known_member_units", "committee_people",
            "known_units", "known_members", "known_member_roles", "person_units",
            "known_member_grades"],
)
# -- cooperatives (this service's own copy of org's facts: fields from org's contract, the
# SQL from the kernel's KnownTable) ---------------------------------------------------------
known_cooperatives = KnownTable("known_cooperatives", COOPERATIVE_FIELDS, "org_position")
known_cooperatives.track(from_org, *COOPERATIVE_EVENTS)

_PERSON_UNITS = """
WITH people AS (
    SELECT * FROM committee_people
    WHERE removed_on IS NULL AND (%(all)s OR person_id = ANY(%(ids)s))
), candidates AS (
    SELECT p.person_id, m.unit_id, 'member' AS reason, 1 AS priority
      FROM people p JOIN known_members m ON m.id = p.person_id AND m.status = 'active'
    UNION ALL
    SELECT p.person_id, r.unit_id, 'post', 1
      FROM people p JOIN known_member_roles r ON r.member_id = p.person_id AND r.end_on IS NULL
    UNION ALL
    SELECT p.person_id, p.member_unit_id, 'member_unit', 2
      FROM people p WHERE p.role = 'deputy_secretary' AND p.member_unit_id IS NOT NULL
    UNION ALL
    SELECT p.person_id, u.id, 'cooperative', 3
      FROM people p JOIN known_units u
        ON u.status = 'active' AND p.cooperative_id IS NOT NULL
       AND u.cooperative_ids ? p.cooperative_id
    UNION ALL
    SELECT p.person_id, u.id, 'township', 4
      FROM people p JOIN known_units u
        ON u.status = 'active' AND u.management = 'township' AND p.township IS NOT NULL
       AND u.township = p.township AND u.root_id = p.committee_id
    UNION ALL
    SELECT p.person_id, u.id, 'working_committee', 5
      FROM people p JOIN known_units u ON u.id = p.committee_id AND u.status = 'active'
     WHERE p.role = 'secretary'
)
INSERT INTO person_units (person_id, unit_id, reason, priority)
SELECT DISTINCT ON (person_id, unit_id) person_id, unit_id, reason, priority
  FROM candidates ORDER BY person_id, unit_id, priority
"""


def refresh_person_units(cur: Any, person_ids: list[str] | None = None) -> None:
    """Recompute `person_units` for these people (None: everyone). Derived state only, so
    recomputing after any change of its inputs converges whatever happened before."""
    everyone = person_ids is None
    ids = person_ids or []
    if everyone:
        cur.execute("DELETE FROM person_units")
    else:
        cur.execute("DELETE FROM person_units WHERE person_id = ANY(%s)", (ids,))
    cur.execute(_PERSON_UNITS, {"all": everyone, "ids": ids})


@from_org.on("CommitteeCreated")
def _committee_created(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO known_committees (id, name, county, org_position) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (id) DO NOTHING",
        (aggregate_id(env), d["name"], d["county"], env["position"]))


@from_org.on("MemberUnitAdded")
def _member_unit_added(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO known_member_units (committee_id, member_unit_id, name, department_type,"
        " active) VALUES (%s, %s, %s, %s, true) ON CONFLICT (committee_id, member_unit_id)"
        " DO UPDATE SET name = EXCLUDED.name, department_type = EXCLUDED.department_type,"
        " active = true",
        (aggregate_id(env), d["member_unit_id"], d["name"], d["department_type"]))


@from_org.on("MemberUnitRemoved")
def _member_unit_removed(cur: Any, env: dict[str, Any]) -> None:
    cur.execute("UPDATE known_member_units SET active = false"
                " WHERE committee_id = %s AND member_unit_id = %s",
                (aggregate_id(env), env["data"]["member_unit_id"]))


def _appoint(cur: Any, env: dict[str, Any], role: str, **extra: Any) -> None:
    d = env["data"]
    cols = ["source", "cooperative_id", "township", "member_unit_id", "office"]
    values = [extra.get(c) for c in cols]
    cur.execute(
        "INSERT INTO committee_people (committee_id, person_id, role, name, source,"
        " cooperative_id, township, member_unit_id, office, appointed_on, removed_on)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, NULL)"
        " ON CONFLICT (committee_id, person_id, role) DO UPDATE SET name = EXCLUDED.name,"
        " source = EXCLUDED.source, cooperative_id = EXCLUDED.cooperative_id,"
        " township = EXCLUDED.township, member_unit_id = EXCLUDED.member_unit_id,"
        " office = EXCLUDED.office, appointed_on = EXCLUDED.appointed_on, removed_on = NULL",
        (aggregate_id(env), d["person_id"], role, d["name"], *values, d["on"]))
    refresh_person_units(cur, [d["person_id"]])


def _remove(cur: Any, env: dict[str, Any], role: str) -> None:
    d = env["data"]
    cur.execute("UPDATE committee_people SET removed_on = %s"
                " WHERE committee_id = %s AND person_id = %s AND role = %s",
                (d["on"], aggregate_id(env), d["person_id"], role))
    refresh_person_units(cur, [d["person_id"]])


@from_org.on("SecretaryAppointed")
def _secretary_appointed(cur: Any, env: dict[str, Any]) -> None:
    _appoint(cur, env, "secretary")


@from_org.on("SecretaryRemoved")
def _secretary_removed(cur: Any, env: dict[str, Any]) -> None:
    _remove(cur, env, "secretary")


@from_org.on("DeputySecretaryAppointed")
def _deputy_appointed(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    _appoint(cur, env, "deputy_secretary", member_unit_id=d["member_unit_id"],
             office=d["office"])


@from_org.on("DeputySecretaryRemoved")
def _deputy_removed(cur: Any, env: dict[str, Any]) -> None:
    _remove(cur, env, "deputy_secretary")


@from_org.on("CommitteeMemberAppointed")
def _member_appointed(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    _appoint(cur, env, "committee_member", source=d["source"],
             cooperative_id=d.get("cooperative_id"), township=d.get("township"))


@from_org.on("CommitteeMemberRemoved")
def _member_removed(cur: Any, env: dict[str, Any]) -> None:
    _remove(cur, env, "committee_member")


@from_org.on("UnitCreated")
def _unit_created(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    unit_id = aggregate_id(env)
    cur.execute(
        "INSERT INTO known_units (id, name, kind, parent_id, management, township,"
        " cooperative_ids, created_on, ended_on, status, root_id)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, NULL, 'active',"
        " coalesce(%s, (SELECT root_id FROM known_units WHERE id = %s), %s))"
        " ON CONFLICT (id) DO NOTHING",
        (unit_id, d["name"], d["kind"], d.get("parent_id"), d.get("management"),
         d.get("township"), Json(list(d.get("cooperative_ids") or [])), d["on"],
         d.get("committee_id"), d.get("parent_id"), unit_id))
    refresh_person_units(cur)


def _unit_update(cur: Any, env: dict[str, Any], sets: dict[str, Any]) -> None:
    assignments = ", ".join(f"{column} = %s" for column in sets)
    cur.execute(f"UPDATE known_units SET {assignments} WHERE id = %s",
                (*sets.values(), aggregate_id(env)))
    refresh_person_units(cur)


@from_org.on("UnitRenamed")
def _unit_renamed(cur: Any, env: dict[str, Any]) -> None:
    _unit_update(cur, env, {"name": env["data"]["name"]})


_SUBTREE_ROOT = """
WITH RECURSIVE subtree AS (
    SELECT id FROM known_units WHERE id = %(unit)s
    UNION SELECT u.id FROM known_units u JOIN subtree s ON u.parent_id = s.id
)
UPDATE known_units SET root_id = coalesce(
    (SELECT root_id FROM known_units WHERE id = %(parent)s), %(parent)s)
 WHERE id IN (SELECT id FROM subtree)
"""


@from_org.on("UnitMoved")
def _unit_moved(cur: Any, env: dict[str, Any]) -> None:
    parent = env["data"]["to_parent_id"]
    cur.execute(_SUBTREE_ROOT, {"unit": aggregate_id(env), "parent": parent})
    _unit_update(cur, env, {"parent_id": parent})


@from_org.on("UnitCoverageChanged")
def _unit_coverage(cur: Any, env: dict[str, Any]) -> None:
    _unit_update(cur, env, {"cooperative_ids": Json(list(env["data"]["cooperative_ids"]))})


@from_org.on("UnitManagementChanged")
def _unit_management(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    _unit_update(cur, env, {"management": d["management"], "township": d.get("township")})


@from_org.on("UnitMergedInto")
def _unit_merged(cur: Any, env: dict[str, Any]) -> None:
    _unit_update(cur, env, {"status": "merged", "ended_on": env["data"]["on"]})


@from_org.on("UnitDissolved")
def _unit_dissolved(cur: Any, env: dict[str, Any]) -> None:
    _unit_update(cur, env, {"status": "dissolved", "ended_on": env["data"]["on"]})


@from_org.on("MemberRegistered")
def _member_registered(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    member_id = aggregate_id(env)
    # a replay (issue 12 re-reads the feed) only fills in the kind learnt since
    cur.execute(
        "INSERT INTO known_members (id, name, unit_id, cooperative_id, status, kind)"
        " VALUES (%s, %s, %s, %s, 'active', %s) ON CONFLICT (id) DO UPDATE"
        " SET kind = EXCLUDED.kind",
        (member_id, d["name"], d["unit_id"], d.get("cooperative_id"), d["kind"]))
    refresh_person_units(cur, [member_id])


def _end_roles(cur: Any, member_id: str, role_ids: list[str], on: str) -> None:
    if role_ids:
        cur.execute("UPDATE known_member_roles SET end_on = %s"
                    " WHERE member_id = %s AND role_id = ANY(%s) AND end_on IS NULL",
                    (on, member_id, role_ids))


@from_org.on("TransferApproved", "MemberReassigned")
def _member_moved(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    member_id = aggregate_id(env)
    cur.execute("UPDATE known_members SET unit_id = %s WHERE id = %s",
                (d["to_unit_id"], member_id))
    _end_roles(cur, member_id, list(d.get("ended_role_ids") or []), d["on"])
    refresh_person_units(cur, [member_id])


@from_org.on("RoleAssigned")
def _role_assigned(cur: Any, env: dict[str, Any]) -> None:
    """A planned end date is not an end: the post is open until RoleEnded (a derived table
    must not change with the clock between events)."""
    d = env["data"]
    member_id = aggregate_id(env)
    cur.execute(
        "INSERT INTO known_member_roles (member_id, role_id, role, unit_id, start_on, end_on)"
        " VALUES (%s, %s, %s, %s, %s, NULL) ON CONFLICT (member_id, role_id) DO NOTHING",
        (member_id, d["role_id"], d["role"], d["unit_id"], d["start"]))
    refresh_person_units(cur, [member_id])


@from_org.on("RoleEnded")
def _role_ended(cur: Any, env: dict[str, Any]) -> None:
    member_id = aggregate_id(env)
    _end_roles(cur, member_id, [env["data"]["role_id"]], env["data"]["end"])
    refresh_person_units(cur, [member_id])


@from_org.on("MemberAgedOut", "MemberLeft")
def _member_gone(cur: Any, env: dict[str, Any]) -> None:
    member_id = aggregate_id(env)
    status = "aged_out" if env["type"] == "MemberAgedOut" else "left"
    cur.execute("UPDATE known_members SET status = %s, status_since = %s WHERE id = %s",
                (status, env["data"]["on"], member_id))
    _end_roles(cur, member_id, list(env["data"].get("ended_role_ids") or []),
               env["data"]["on"])
    refresh_person_units(cur, [member_id])


@from_org.on("MemberEvaluationRecorded")
def _member_evaluation(cur: Any, env: dict[str, Any]) -> None:
    """A branch's annual evaluation: each member's grade of the year (issue 12: excellent
    League members are recommended first)."""
    d = env["data"]
    for member_id, grade in d["grades"].items():
        cur.execute(
            "INSERT INTO known_member_grades (member_id, year, unit_id, grade)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT (member_id, year) DO UPDATE"
            " SET unit_id = EXCLUDED.unit_id, grade = EXCLUDED.grade",
            (member_id, d["year"], d["unit_id"], grade))


# --------------------------------------------------------------------------- activities

from_activities = Projector(
    "assessment.from.activities",
    tables=["known_activities", "evidence_activities", "evidence_meetings"],
)


@from_activities.on("ActivityPlanned")
def _activity_planned(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO known_activities (activity_id, organizer_unit_ids, co_organizer_unit_ids)"
        " VALUES (%s, %s, %s) ON CONFLICT (activity_id) DO NOTHING",
        (aggregate_id(env), Json(list(d["organizer_unit_ids"])),
         Json(list(d.get("co_organizer_unit_ids") or []))))


@from_activities.on("ActivityEdited")
def _activity_edited(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    for column in ("organizer_unit_ids", "co_organizer_unit_ids"):
        if column in d:
            cur.execute(f"UPDATE known_activities SET {column} = %s WHERE activity_id = %s",
                        (Json(list(d[column])), aggregate_id(env)))


@from_activities.on("ActivityHeld")
def _activity_held(cur: Any, env: dict[str, Any]) -> None:
    """One row per organizing and co-organizing unit, keyed by (event id, unit): the
    evidence of a person counts the event once however many of their units organized it."""
    d = env["data"]
    activity_id = aggregate_id(env)
    cur.execute("SELECT organizer_unit_ids, co_organizer_unit_ids FROM known_activities"
                " WHERE activity_id = %s", (activity_id,))
    row = cur.fetchone()
    if row is None:
        return  # planned before tracking began is impossible: the Tracker starts at 0
    units = list(dict.fromkeys([*row[0], *row[1]]))
    participants = len(d.get("attendee_member_ids") or [])
    for unit_id in units:
        cur.execute(
            "INSERT INTO evidence_activities (event_id, unit_id, activity_id, held_on,"
            " participants) VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (env["event_id"], unit_id, activity_id, d["held_on"], participants))


@from_activities.on("MeetingRecorded")
def _meeting_recorded(cur: Any, env: dict[str, Any]) -> None:
    """`chaired`: the secretary or a deputy secretary attended (issue 12; v1 records, before
    attendance had roles, name none, as activities' upcaster says)."""
    d = env["data"]
    chaired = any(a.get("role") in CHAIRING_ROLES for a in d.get("attendance") or [])
    cur.execute(
        "INSERT INTO evidence_meetings (event_id, meeting_id, unit_id, meeting_type, held_on,"
        " chaired) VALUES (%s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (event_id) DO UPDATE SET chaired = EXCLUDED.chaired",
        (env["event_id"], aggregate_id(env), d["unit_id"], d["meeting_type"], d["held_on"],
         chaired))


@from_activities.on("MeetingRecordRetracted")
def _meeting_retracted(cur: Any, env: dict[str, Any]) -> None:
    cur.execute("UPDATE evidence_meetings SET retracted_on = %s"
                " WHERE meeting_id = %s AND retracted_on IS NULL",
                (local_day(env["occurred_at"]), aggregate_id(env)))


# ------------------------------------------------------------------------------ funding

from_funding = Projector("assessment.from.funding",
                         tables=["evidence_receipts", "evidence_credit"])


@from_funding.on("ReceiptRecorded")
def _receipt(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO evidence_receipts (event_id, unit_id, entry_id, source, amount_fen,"
        " received_on) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (env["event_id"], aggregate_id(env), d["entry_id"], d["source"], d["amount_fen"],
         d["received_on"]))


@from_funding.on("EntryReversed")
def _entry_reversed(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute("UPDATE evidence_receipts SET reversed_on = %s"
                " WHERE unit_id = %s AND entry_id = %s AND reversed_on IS NULL",
                (d["reversed_on"], aggregate_id(env), d["reverses_entry_id"]))


@from_funding.on("CreditGranted")
def _credit_granted(cur: Any, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO evidence_credit (event_id, grant_key, unit_id, amount_fen, granted_on)"
        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (env["event_id"], aggregate_id(env), d.get("recommended_by_unit"), d["amount_fen"],
         local_day(d["granted_at"])))


@from_funding.on("CreditRevoked")
def _credit_revoked(cur: Any, env: dict[str, Any]) -> None:
    cur.execute("UPDATE evidence_credit SET revoked_on = %s"
                " WHERE grant_key = %s AND revoked_on IS NULL",
                (local_day(env["data"]["revoked_at"]), aggregate_id(env)))


TRACKED = {"org": from_org, "activities": from_activities, "funding": from_funding}


# -- personal information (eventkit/people.py) ---------------------------------------------


def _scrub_person(cur, person_id: str) -> None:
    """org's PersonErased: this service's key of the person is destroyed (so its own events
    read 已删除, in a rebuild too) and the person's values in its read models overwritten."""
    scrub_columns(cur, "known_members", "id", person_id, {"name": ERASED})
    scrub_columns(cur, "committee_people", "person_id", person_id, {"name": ERASED})


on_erasure(from_org, "assessment", _scrub_person)
