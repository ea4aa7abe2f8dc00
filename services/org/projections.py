"""org's own read models, updated in the command's transaction (and on rebuild)."""

from __future__ import annotations

from typing import Any

from psycopg2.extras import Json

from eventkit.identifiers import ERASED
from eventkit.people import on_erasure, scrub_columns
from eventkit.projection import Projector
from services.org import coverage_projections

projector = Projector(
    "org",
    tables=["cooperatives", "committees", "units", "members", "member_roles", "transfers",
            "member_registrations"],
)
# the cooperatives' coverage (coverage_projections.py): its lock before the tree's handlers
coverage_projections.register_locks(projector)

COOP_COLUMNS = (
    "uscc", "name", "chair", "township", "industry_category", "product", "business_mode",
    "members", "farmer_members", "young_people_under_35", "league_members",
    "party_org_present", "league_org_present", "supply_coop_relation",
)


def _id(env: dict[str, Any]) -> str:
    return env["stream_id"].split("-", 1)[1]


@projector.on("CooperativeRegistered")
def cooperative_registered(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cols = ", ".join(COOP_COLUMNS)
    marks = ", ".join(["%s"] * len(COOP_COLUMNS))
    cur.execute(
        f"INSERT INTO cooperatives (id, {cols}, registered_at, updated_at, version)"
        f" VALUES (%s, {marks}, %s, %s, %s)",
        (_id(env), *(d[c] for c in COOP_COLUMNS), env["occurred_at"], env["occurred_at"],
         env["version"]),
    )


@projector.on("CooperativeUpdated")
def cooperative_updated(cur, env: dict[str, Any]) -> None:
    changes = {k: v for k, v in env["data"].items() if k in COOP_COLUMNS}
    sets = "".join(f"{k} = %s, " for k in changes)
    cur.execute(
        f"UPDATE cooperatives SET {sets}updated_at = %s, version = %s WHERE id = %s",
        (*changes.values(), env["occurred_at"], env["version"], _id(env)),
    )



# ---- committees ------------------------------------------------------------------------

STEP_OF_EVENT = {
    "SurveyRecorded": "survey_recorded",
    "PlanDrafted": "plan_drafted",
    "CoordinationRecorded": "coordination_recorded",
    "PreparatoryGroupFormed": "preparatory_group_formed",
    "EstablishmentRequested": "establishment_requested",
    "EstablishmentApproved": "establishment_approved",
    "FoundingConferenceHeld": "founding_conference_held",
}


def _touch_committee(cur, env: dict[str, Any], sets: str, args: tuple) -> None:
    cur.execute(
        f"UPDATE committees SET {sets}, updated_at = %s, version = %s WHERE id = %s",
        (*args, env["occurred_at"], env["version"], _id(env)),
    )


@projector.on("CommitteeCreated")
def committee_created(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO committees (id, name, county, county_code, created_at, updated_at, version)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (_id(env), d["name"], d["county"], d["county_code"], env["occurred_at"],
         env["occurred_at"], env["version"]),
    )


@projector.on(*STEP_OF_EVENT)
def committee_step(cur, env: dict[str, Any]) -> None:
    _touch_committee(cur, env, "steps = steps || %s",
                     (Json({STEP_OF_EVENT[env["type"]]: env["data"]}),))


@projector.on("MemberUnitAdded")
def member_unit_added(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _touch_committee(cur, env, "member_units = member_units || %s", (Json({
        d["member_unit_id"]: {"name": d["name"], "department_type": d["department_type"]}}),))


@projector.on("MemberUnitRemoved")
def member_unit_removed(cur, env: dict[str, Any]) -> None:
    _touch_committee(cur, env, "member_units = member_units - %s",
                     (env["data"]["member_unit_id"],))


@projector.on("SecretaryAppointed")
def secretary_appointed(cur, env: dict[str, Any]) -> None:
    _touch_committee(cur, env, "secretary = %s", (Json(env["data"]),))


@projector.on("SecretaryRemoved")
def secretary_removed(cur, env: dict[str, Any]) -> None:
    _touch_committee(cur, env, "secretary = NULL", ())


@projector.on("DeputySecretaryAppointed")
def deputy_appointed(cur, env: dict[str, Any]) -> None:
    _touch_committee(cur, env, "deputies = deputies || %s",
                     (Json({env["data"]["person_id"]: env["data"]}),))


@projector.on("DeputySecretaryRemoved")
def deputy_removed(cur, env: dict[str, Any]) -> None:
    _touch_committee(cur, env, "deputies = deputies - %s", (env["data"]["person_id"],))


@projector.on("CommitteeMemberAppointed")
def committee_member_appointed(cur, env: dict[str, Any]) -> None:
    _touch_committee(cur, env, "committee_members = committee_members || %s",
                     (Json({env["data"]["person_id"]: env["data"]}),))


@projector.on("CommitteeMemberRemoved")
def committee_member_removed(cur, env: dict[str, Any]) -> None:
    _touch_committee(cur, env, "committee_members = committee_members - %s",
                     (env["data"]["person_id"],))


@projector.on("LeadershipProblemOpened")
def leadership_problem_opened(cur, env: dict[str, Any]) -> None:
    _touch_committee(
        cur, env, "leadership_problem = jsonb_build_object('since',"
        " coalesce(leadership_problem->>'since', %s), 'problems', %s::jsonb)",
        (env["data"]["on"], Json(env["data"]["problems"])))


@projector.on("LeadershipProblemResolved")
def leadership_problem_resolved(cur, env: dict[str, Any]) -> None:
    _touch_committee(cur, env, "leadership_problem = NULL", ())


# ---- units -----------------------------------------------------------------------------


def _touch_unit(cur, env: dict[str, Any], sets: str, args: tuple, unit_id: str | None = None
                ) -> None:
    cur.execute(
        f"UPDATE units SET {sets}, updated_at = %s, version = %s WHERE id = %s",
        (*args, env["occurred_at"], env["version"], unit_id or _id(env)),
    )


@projector.on("UnitCreated")
def unit_created(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    uid = _id(env)
    committee_id, pc_id = uid, None
    if d["parent_id"] is not None:
        cur.execute("SELECT committee_id, professional_committee_id FROM units WHERE id = %s",
                    (d["parent_id"],))
        row = cur.fetchone()
        if row is not None:
            committee_id, pc_id = row
    if d["kind"] == "professional_committee":
        pc_id = uid
    cur.execute(
        "INSERT INTO units (id, committee_id, name, kind, parent_id, professional_committee_id,"
        " formation_mode, industry, cooperative_ids, management, township, joint_mode,"
        " group_functions, founded_on, status, created_at, updated_at, version)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'active', %s, %s, %s)",
        (uid, committee_id, d["name"], d["kind"], d["parent_id"], pc_id, d["formation_mode"],
         d["industry"], Json(d["cooperative_ids"]), d["management"], d["township"],
         d["joint_mode"], Json(d["group_functions"]), d["on"], env["occurred_at"],
         env["occurred_at"], env["version"]),
    )


@projector.on("UnitRenamed")
def unit_renamed(cur, env: dict[str, Any]) -> None:
    _touch_unit(cur, env, "name = %s", (env["data"]["name"],))


@projector.on("UnitMoved")
def unit_moved(cur, env: dict[str, Any]) -> None:
    uid = _id(env)
    _touch_unit(cur, env, "parent_id = %s", (env["data"]["to_parent_id"],))
    # The professional committee of the moved subtree follows its new place.
    cur.execute("SELECT kind FROM units WHERE id = %s", (uid,))
    row = cur.fetchone()
    if row is None or row[0] == "professional_committee":
        return
    cur.execute("SELECT professional_committee_id FROM units WHERE id = %s",
                (env["data"]["to_parent_id"],))
    parent = cur.fetchone()
    pc_id = parent[0] if parent else None
    cur.execute(
        "WITH RECURSIVE sub(id) AS (SELECT %s::text UNION ALL"
        " SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)"
        " UPDATE units SET professional_committee_id = %s WHERE id IN (SELECT id FROM sub)",
        (uid, pc_id),
    )


@projector.on("UnitCoverageChanged")
def unit_coverage_changed(cur, env: dict[str, Any]) -> None:
    _touch_unit(cur, env, "cooperative_ids = %s", (Json(env["data"]["cooperative_ids"]),))


@projector.on("UnitManagementChanged")
def unit_management_changed(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _touch_unit(cur, env, "management = %s, township = %s, joint_mode = %s",
                (d["management"], d["township"], d["joint_mode"]))


@projector.on("UnitGroupFunctionsSet")
def unit_group_functions_set(cur, env: dict[str, Any]) -> None:
    _touch_unit(cur, env, "group_functions = %s", (Json(env["data"]["group_functions"]),))


@projector.on("BranchCommitteeElected")
def branch_committee_elected(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _touch_unit(cur, env, "last_election_on = %s, term_years = %s", (d["on"], d["term_years"]))


@projector.on("UnitMergedInto")
def unit_merged(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _touch_unit(cur, env, "status = 'merged', merged_into = %s, ended_on = %s",
                (d["target_unit_id"], d["on"]))


@projector.on("UnitDissolved")
def unit_dissolved(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _touch_unit(cur, env, "status = 'dissolved', dissolution_reason = %s, ended_on = %s",
                (d["reason"], d["on"]))


# ---- members, roles, transfers ---------------------------------------------------------

MEMBER_COLUMNS = (
    "kind", "name", "sex", "ethnicity", "resident_id", "birth_date", "phone", "education",
    "occupation", "cooperative_id", "unit_id", "join_date", "registered_on",
)


def _touch_member(cur, env: dict[str, Any], sets: str, args: tuple) -> None:
    cur.execute(
        f"UPDATE members SET {sets}, updated_at = %s, version = %s WHERE id = %s",
        (*args, env["occurred_at"], env["version"], _id(env)),
    )


def _end_roles(cur, role_ids: list[str], end: str) -> None:
    if role_ids:
        cur.execute("UPDATE member_roles SET end_on = %s WHERE role_id = ANY(%s)",
                    (end, role_ids))


def _close_pending_transfer(cur, env: dict[str, Any]) -> None:
    cur.execute(
        "UPDATE transfers SET status = 'cancelled', decided_on = %s, updated_at = %s"
        " WHERE member_id = %s AND status = 'pending'",
        (env["data"]["on"], env["occurred_at"], _id(env)))


@projector.on("MemberRegistered")
def member_registered(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cols = ", ".join(MEMBER_COLUMNS)
    marks = ", ".join(["%s"] * len(MEMBER_COLUMNS))
    cur.execute(
        f"INSERT INTO members (id, {cols}, status, status_since, created_at, updated_at, version)"
        f" VALUES (%s, {marks}, 'active', %s, %s, %s, %s)",
        (_id(env), *(d[c] for c in MEMBER_COLUMNS), d["registered_on"], env["occurred_at"],
         env["occurred_at"], env["version"]),
    )


@projector.on("TransferRequested")
def transfer_requested(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _touch_member(cur, env, "pending_transfer_id = %s", (d["transfer_id"],))
    cur.execute(
        "INSERT INTO transfers (id, member_id, from_unit_id, to_unit_id, status, requested_on,"
        " created_at, updated_at) VALUES (%s, %s, %s, %s, 'pending', %s, %s, %s)",
        (d["transfer_id"], _id(env), d["from_unit_id"], d["to_unit_id"], d["on"],
         env["occurred_at"], env["occurred_at"]),
    )


@projector.on("TransferApproved")
def transfer_approved(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _touch_member(cur, env, "unit_id = %s, pending_transfer_id = NULL", (d["to_unit_id"],))
    _end_roles(cur, d["ended_role_ids"], d["on"])
    cur.execute(
        "UPDATE transfers SET status = 'approved', decided_on = %s, updated_at = %s"
        " WHERE id = %s", (d["on"], env["occurred_at"], d["transfer_id"]))


@projector.on("TransferRejected")
def transfer_rejected(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _touch_member(cur, env, "pending_transfer_id = NULL", ())
    cur.execute(
        "UPDATE transfers SET status = 'rejected', decided_on = %s, reason = %s, updated_at = %s"
        " WHERE id = %s", (d["on"], d["reason"], env["occurred_at"], d["transfer_id"]))


@projector.on("MemberReassigned")
def member_reassigned(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _touch_member(cur, env, "unit_id = %s", (d["to_unit_id"],))
    cur.execute(
        "UPDATE transfers SET from_unit_id = %s, updated_at = %s"
        " WHERE member_id = %s AND status = 'pending'",
        (d["to_unit_id"], env["occurred_at"], _id(env)))


@projector.on("RoleAssigned")
def role_assigned(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _touch_member(cur, env, "status = status", ())
    cur.execute(
        "INSERT INTO member_roles (role_id, member_id, role, unit_id, start_on, end_on)"
        " VALUES (%s, %s, %s, %s, %s, %s)",
        (d["role_id"], _id(env), d["role"], d["unit_id"], d["start"], d["end"]),
    )


@projector.on("RoleEnded")
def role_ended(cur, env: dict[str, Any]) -> None:
    _touch_member(cur, env, "status = status", ())
    _end_roles(cur, [env["data"]["role_id"]], env["data"]["end"])


@projector.on("MemberAgedOut")
def member_aged_out(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _touch_member(cur, env, "status = 'aged_out', status_since = %s, pending_transfer_id = NULL",
                  (d["on"],))
    _close_pending_transfer(cur, env)


@projector.on("MemberLeft")
def member_left(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _touch_member(cur, env, "status = 'left', status_since = %s, pending_transfer_id = NULL",
                  (d["on"],))
    _end_roles(cur, d["ended_role_ids"], d["on"])
    _close_pending_transfer(cur, env)


@projector.on("SelfLapseProcedureStarted")
def self_lapse_started(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _touch_member(cur, env, "self_lapse = %s", (Json({
        "started_on": d["on"], "grounds": d["grounds"], "last_dues_month": d["last_dues_month"],
        "last_life_on": d["last_life_on"]}),))


@projector.on("SelfLapseDecided")
def self_lapse_decided(cur, env: dict[str, Any]) -> None:
    _touch_member(cur, env, "self_lapse = NULL", ())


@projector.on("MemberEvaluationRecorded")
def member_evaluation_recorded(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    registered = set(d["registered_member_ids"])
    for member_id, grade in sorted(d["grades"].items()):
        cur.execute(
            "INSERT INTO member_registrations (member_id, year, unit_id, grade, registered,"
            " evaluated_on) VALUES (%s, %s, %s, %s, %s, %s)",
            (member_id, d["year"], d["unit_id"], grade, member_id in registered, d["on"]))


# ---- personal information (eventkit/people.py) -----------------------------------------


def scrub_person(cur, person_id: str) -> None:
    """The person's values as a rebuild reads them once their key is gone."""
    scrub_columns(cur, "members", "id", person_id,
                  {"name": ERASED, "resident_id": ERASED, "phone": ERASED, "birth_date": None})
    # a young entrepreneur named in a service request (issue 12 part 6)
    scrub_columns(cur, "service_requests", "entrepreneur_id", person_id,
                  {"entrepreneur_name": ERASED})
    erased = Json(ERASED)
    cur.execute("UPDATE committees SET secretary = jsonb_set(secretary, '{name}', %s)"
                " WHERE secretary->>'person_id' = %s", (erased, person_id))
    for column in ("deputies", "committee_members"):
        cur.execute(f"UPDATE committees SET {column} = jsonb_set({column}, %s, %s)"
                    f" WHERE {column} ? %s", ([person_id, "name"], erased, person_id))


on_erasure(projector, "org", scrub_person)

# the service requests' handlers register on this projector (a module of their own for size)
from services.org import service_projections  # noqa: E402,F401

# ... and the coverage's refreshes last, once every row they read is written
coverage_projections.register_refreshes(projector)
