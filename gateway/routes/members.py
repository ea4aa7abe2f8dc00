"""League members and young people (org service). Resident ids and phones come back masked."""

from __future__ import annotations

from marshmallow import fields, validate

from gateway.problems import Problem
from gateway.router import Reply, Request, route
from gateway.routes.common import PageQuery
from services.org.contract import enums, schemas

_ID = validate.Length(min=1, max=64)


class MemberListQuery(PageQuery):
    status = fields.Str(validate=validate.OneOf(enums.MEMBER_STATUSES))
    kind = fields.Str(validate=validate.OneOf(enums.MEMBER_KINDS))
    sex = fields.Str(validate=validate.OneOf(enums.SEXES))
    unit_id = fields.Str(validate=_ID)
    descendants = fields.Bool(load_default=False,
                              metadata={"description": "with unit_id: the units below too"})
    cooperative_id = fields.Str(validate=_ID)


@route("POST", "/members", action="members.write", tag="members",
       summary="Register a League member or a young person", body=schemas.MemberIn,
       response=schemas.MemberOut, status=201, responses=(409, 422))
def create(req: Request) -> Reply:
    member = req.rpc.org.register_member(req.body, req.command_id, req.scope())
    return Reply(member, 201, {"Location": f"/api/v1/members/{member['id']}"})


@route("GET", "/members", action="members.read", tag="members",
       summary="List members (e.g. ?status=aged_out)", query=MemberListQuery,
       response=schemas.MemberOut, many=True, responses=(404,))
def list_(req: Request) -> dict:
    q = dict(req.query)
    limit, cursor = q.pop("limit"), q.pop("cursor")
    return req.rpc.org.list_members(q, limit, cursor, req.scope())


@route("GET", "/members/{id}", action="members.read", tag="members", summary="A member",
       response=schemas.MemberOut, responses=(404,))
def get(req: Request) -> dict:
    return req.rpc.org.get_member(req.params["id"], req.scope())


@route("POST", "/members/{id}/roles", action="members.write", tag="members",
       summary="Give a member a post (with start and optional end)", body=schemas.RoleIn,
       response=schemas.MemberOut, responses=(404, 409, 422))
def assign_role(req: Request) -> dict:
    return req.rpc.org.assign_role(req.params["id"], req.body, req.command_id, req.scope())


@route("POST", "/members/{id}/roles/{role_id}/end", action="members.write", tag="members",
       summary="End a member's post", body=schemas.RoleEndIn, response=schemas.MemberOut,
       responses=(404, 409, 422))
def end_role(req: Request) -> dict:
    return req.rpc.org.end_role(req.params["id"], req.params["role_id"], req.body,
                                req.command_id, req.scope())


@route("POST", "/members/{id}/leave", action="members.write", tag="members",
       summary="A member leaves the organization", body=schemas.LeaveIn,
       response=schemas.MemberOut, responses=(404, 409, 422))
def leave(req: Request) -> dict:
    return req.rpc.org.member_leave(req.params["id"], req.body, req.command_id, req.scope())


@route("POST", "/members/age-out-runs", action="members.write", tag="members",
       summary="Run the daily over-age check now (admins; as_of for back-fills)",
       body=schemas.AgeOutRunIn, response=schemas.AgeOutRunOut, responses=(422,))
def age_out_run(req: Request) -> dict:
    # The timer's work for the whole county: not something a unit-scoped editor starts.
    if req.principal.role != "admin" or req.principal.unit is not None:
        raise Problem(403, "only an admin without unit scope may run the over-age check")
    as_of = req.body.get("as_of") if isinstance(req.body, dict) else None
    return req.rpc.org.run_age_out(as_of)


@route("POST", "/members/self-lapse-runs", action="members.write", tag="members",
       summary="Open the 自行脱团 procedure for members six months without dues or "
               "organizational life (admins without unit scope)",
       body=schemas.SelfLapseRunIn, response=schemas.SelfLapseRunOut, responses=(422,))
def self_lapse_run(req: Request) -> dict:
    if req.principal.role != "admin" or req.principal.unit is not None:
        raise Problem(403, "only an admin without unit scope may run the 自行脱团 check")
    as_of, unit_id = req.body.get("as_of"), req.body.get("unit_id")
    # the facts live in two other services: the last dues month (funding) and the last
    # organizational life (activities); org's member aggregate decides
    # the body keeps its JSON text (a date arrives as its ISO string); str() of either is ISO
    candidates = req.rpc.org.self_lapse_candidates(str(as_of) if as_of else None, unit_id)
    ids = candidates["member_ids"]
    dues = req.rpc.funding.last_dues_months(ids) if ids else {}
    life = req.rpc.activities.last_attendance(ids) if ids else {}
    return req.rpc.org.run_self_lapse(candidates["as_of"], dues, life, unit_id)


@route("GET", "/members/self-lapse", action="members.read", tag="members",
       summary="Members in the 自行脱团 procedure (the branch decides)",
       response=schemas.SelfLapseListOut)
def self_lapse_list(req: Request) -> dict:
    return req.rpc.org.list_self_lapse(req.scope())


@route("POST", "/members/{id}/self-lapse-decision", action="members.write", tag="members",
       summary="The branch's decision: good_reason closes the procedure, lapsed ends the "
               "membership", body=schemas.SelfLapseDecisionIn, response=schemas.MemberOut,
       responses=(404, 409, 422))
def self_lapse_decision(req: Request) -> dict:
    return req.rpc.org.decide_self_lapse(req.params["id"], req.body, req.command_id,
                                         req.scope())
