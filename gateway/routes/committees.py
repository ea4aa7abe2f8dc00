"""The working committee (org service): creation, establishment steps, member units, leadership.

`POST /committees` also creates the committee's working-committee root unit, with the same id
(`root_unit_id`). Each establishment step is a POST; a step out of order answers 409 with
`due_step`. Approval and leadership changes need `committees.approve`.
"""

from __future__ import annotations

from gateway.router import Reply, Request, route
from gateway.routes.common import PageQuery
from services.org.contract import schemas

STEP_ROUTES = (
    ("survey", schemas.SurveyIn, "committees.write", "Record the survey (step 1)"),
    ("plan", schemas.PlanIn, "committees.write", "Draft the plan (step 2)"),
    ("coordination", schemas.CoordinationIn, "committees.write",
     "Record the coordination: consent and support (step 3)"),
    ("preparatory-group", schemas.PreparatoryGroupIn, "committees.write",
     "Form the preparatory group (step 4a)"),
    ("establishment-request", schemas.DatedIn, "committees.write",
     "Ask the county League committee to establish the committee (step 4b)"),
    ("approval", schemas.ApprovalIn, "committees.approve",
     "Approval by the county League committee (step 4c; 409 while the leadership breaks the"
     " rules)"),
    ("founding-conference", schemas.FoundingConferenceIn, "committees.write",
     "Hold the founding conference (step 5)"),
)
POSTS = (
    ("secretary", "secretary", schemas.SecretaryIn, "Appoint the secretary"),
    ("deputy-secretaries", "deputy_secretary", schemas.DeputySecretaryIn,
     "Appoint a deputy secretary"),
    ("committee-members", "committee_member", schemas.CommitteeMemberIn,
     "Appoint a committee member"),
)


@route("POST", "/committees", action="committees.write", tag="committees",
       summary="Create a committee (and its working-committee root unit)",
       body=schemas.CommitteeIn, response=schemas.CommitteeOut, status=201,
       responses=(409, 422))
def create(req: Request) -> Reply:
    committee = req.rpc.org.create_committee(req.body, req.command_id)
    return Reply(committee, 201, {"Location": f"/api/v1/committees/{committee['id']}"})


@route("GET", "/committees", action="committees.read", tag="committees",
       summary="List committees", query=PageQuery, response=schemas.CommitteeOut, many=True)
def list_(req: Request) -> dict:
    return req.rpc.org.list_committees(req.query["limit"], req.query["cursor"], req.scope())


@route("GET", "/committees/{id}", action="committees.read", tag="committees",
       summary="A committee: establishment steps, due step, member units, leadership",
       response=schemas.CommitteeOut, responses=(404,))
def get(req: Request) -> dict:
    return req.rpc.org.get_committee(req.params["id"], req.scope())


def _step_handler(step: str):
    def handler(req: Request) -> dict:
        return req.rpc.org.committee_step(req.params["id"], step, req.body, req.command_id,
                                          req.scope())

    handler.__name__ = "step_" + step.replace("-", "_")
    return handler


for _step, _schema, _action, _summary in STEP_ROUTES:
    route("POST", f"/committees/{{id}}/{_step}", action=_action, tag="committees",
          summary=_summary, body=_schema, response=schemas.CommitteeOut,
          responses=(404, 409, 422))(_step_handler(_step))


@route("POST", "/committees/{id}/member-units", action="committees.write", tag="committees",
       summary="Add a member unit (department)", body=schemas.MemberUnitIn,
       response=schemas.CommitteeOut, responses=(404, 409, 422))
def add_member_unit(req: Request) -> dict:
    return req.rpc.org.add_member_unit(req.params["id"], req.body, req.command_id, req.scope())


@route("DELETE", "/committees/{id}/member-units/{member_unit_id}", action="committees.write",
       tag="committees", summary="Remove a member unit", response=schemas.CommitteeOut,
       responses=(404, 409))
def remove_member_unit(req: Request) -> dict:
    return req.rpc.org.remove_member_unit(req.params["id"], req.params["member_unit_id"],
                                          req.command_id, req.scope())


def _appoint_handler(post: str):
    def handler(req: Request) -> dict:
        return req.rpc.org.appoint(req.params["id"], post, req.body, req.command_id,
                                   req.scope())

    handler.__name__ = "appoint_" + post
    return handler


for _path, _post, _schema, _summary in POSTS:
    route("POST", f"/committees/{{id}}/{_path}", action="committees.approve", tag="committees",
          summary=_summary, body=_schema, response=schemas.CommitteeOut,
          responses=(404, 409, 422))(_appoint_handler(_post))


@route("POST", "/committees/{id}/leadership-removals", action="committees.approve",
       tag="committees", summary="Remove the secretary, a deputy secretary or a committee member",
       body=schemas.RemovalIn, response=schemas.CommitteeOut, responses=(404, 409, 422))
def remove_leader(req: Request) -> dict:
    return req.rpc.org.remove_leader(req.params["id"], req.body, req.command_id, req.scope())
