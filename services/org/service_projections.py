"""org's read model of the service requests (issue 12 part 6), on org's projector."""

from __future__ import annotations

from typing import Any

from services.org.projections import projector

projector.tables.append("service_requests")


def _id(env: dict[str, Any]) -> str:
    return env["stream_id"].split("-", 1)[1]


def _touch(cur, env: dict[str, Any], sets: str, args: tuple) -> None:
    cur.execute(f"UPDATE service_requests SET {sets}, updated_at = %s, version = %s"
                " WHERE id = %s", (*args, env["occurred_at"], env["version"], _id(env)))


@projector.on("ServiceRequestSubmitted")
def submitted(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    cur.execute(
        "INSERT INTO service_requests (id, unit_id, kind, department, cooperative_id,"
        " entrepreneur_id, entrepreneur_name, title, description, status, submitted_on,"
        " due_on, policy_version, updated_at, version)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 'submitted', %s, %s, %s, %s, %s)",
        (_id(env), d["unit_id"], d["kind"], d["department"], d["cooperative_id"],
         d["entrepreneur_id"], d["entrepreneur_name"], d["title"], d["description"],
         d["submitted_on"], d["due_on"], d["policy_version"], env["occurred_at"],
         env["version"]))


@projector.on("ServiceRequestAccepted")
def accepted(cur, env: dict[str, Any]) -> None:
    _touch(cur, env, "status = 'accepted', accepted_on = %s", (env["data"]["on"],))


@projector.on("ServiceRequestAnswered")
def answered(cur, env: dict[str, Any]) -> None:
    d = env["data"]
    _touch(cur, env, "status = 'answered', answered_on = %s, answer = %s, outcome = %s,"
           " answered_late = %s, activity_id = %s",
           (d["on"], d["answer"], d["outcome"], d["late"], d["activity_id"]))


@projector.on("ServiceRequestClosed")
def closed(cur, env: dict[str, Any]) -> None:
    _touch(cur, env, "status = 'closed', closed_on = %s, close_note = %s",
           (env["data"]["on"], env["data"]["note"]))

