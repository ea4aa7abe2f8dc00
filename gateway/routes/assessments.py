"""Assessment rounds (assessment service): scores, evidence, grades, results to units,
printable result letters."""

from __future__ import annotations

from collections.abc import Callable

from marshmallow import Schema, fields, validate

from gateway.router import Reply, Request, route
from gateway.routes.common import PageQuery
from services.assessment.contract.schemas import (
    GRADES,
    ROUND_STATUSES,
    AssessmentResultOut,
    CommitteePersonOut,
    PeerScoreIn,
    PublicRatingIn,
    ResultReportIn,
    ResultReportsOut,
    RoundCloseIn,
    RoundEvidenceOut,
    RoundIn,
    RoundOut,
    RoundScoreOut,
    SelfScoreIn,
    UnitScoreIn,
)

TAG = "assessments"
BASE = "/assessments"


class RoundListQuery(PageQuery):
    committee_id = fields.Str(validate=validate.Length(min=1, max=64))
    year = fields.Int(validate=validate.Range(min=2000, max=2100))
    status = fields.Str(validate=validate.OneOf(ROUND_STATUSES))


class ResultListQuery(PageQuery):
    grade = fields.Str(validate=validate.OneOf(GRADES))
    member_id = fields.Str(validate=validate.Length(min=1, max=64))


class RoundScoreList(Schema):
    items = fields.List(fields.Nested(RoundScoreOut), required=True)
    next_cursor = fields.Str(allow_none=True, required=True)


class CommitteePersonList(Schema):
    items = fields.List(fields.Nested(CommitteePersonOut), required=True)
    next_cursor = fields.Str(allow_none=True, required=True)


def _round_path(round_id: str) -> str:
    return f"/api/v1{BASE}/{round_id}"


@route("POST", BASE, action="assessments.write", tag=TAG,
       summary="Open a committee's assessment round for a year (weights, thresholds, "
               "evidence rule, excellent quota)",
       body=RoundIn, response=RoundOut, status=201, responses=(404, 409, 422))
def create(req: Request) -> Reply:
    rnd = req.rpc.assessment.open_round(req.body, req.command_id, req.scope())
    return Reply(rnd, 201, {"Location": _round_path(rnd["id"])})


@route("GET", BASE, action="assessments.read", tag=TAG, summary="List assessment rounds",
       query=RoundListQuery, response=RoundOut, many=True)
def list_(req: Request) -> dict:
    q = dict(req.query)
    limit, cursor = q.pop("limit"), q.pop("cursor")
    return req.rpc.assessment.list_rounds(q, limit, cursor, req.scope())


@route("GET", BASE + "/committees/{committee_id}/members", action="assessments.read", tag=TAG,
       summary="The committee's people as assessment knows them, with their units",
       response=CommitteePersonList, responses=(404,))
def committee_members(req: Request) -> dict:
    return req.rpc.assessment.committee_members(req.params["committee_id"], req.scope())


@route("GET", BASE + "/{id}", action="assessments.read", tag=TAG,
       summary="One round with its configuration and score counts", response=RoundOut,
       responses=(404,))
def get(req: Request) -> dict:
    return req.rpc.assessment.get_round(req.params["id"], req.scope())


def _score(component: str) -> Callable[[Request], Reply]:
    def handler(req: Request) -> Reply:
        score = req.rpc.assessment.submit_score(req.params["id"], component, req.body,
                                                req.command_id, req.scope())
        return Reply(score, 201, {"Location": _round_path(req.params["id"]) + "/scores"})

    handler.__name__ = f"submit_{component}_score"
    return handler


for _path, _component, _body, _summary in (
    ("self-scores", "self", SelfScoreIn, "A member's self-assessment score (0-100)"),
    ("peer-scores", "peer", PeerScoreIn, "A committee member's score of another member"),
    ("unit-scores", "unit", UnitScoreIn, "A member unit's score of a member"),
    ("public-ratings", "public", PublicRatingIn,
     "A rating from the public (a repeated rating_id replaces the earlier one)"),
):
    route("POST", BASE + "/{id}/" + _path, action="assessments.write", tag=TAG,
          summary=_summary, body=_body, response=RoundScoreOut, status=201,
          responses=(404, 409, 422))(_score(_component))


@route("GET", BASE + "/{id}/scores", action="assessments.read", tag=TAG,
       summary="Every score given in the round", response=RoundScoreList, responses=(404,))
def scores(req: Request) -> dict:
    return req.rpc.assessment.list_scores(req.params["id"], req.scope())


@route("GET", BASE + "/{id}/evidence", action="assessments.read", tag=TAG,
       summary="Evidence per member: live while open, the snapshot once closed",
       response=RoundEvidenceOut, responses=(404,))
def evidence(req: Request) -> dict:
    return req.rpc.assessment.round_evidence(req.params["id"], req.scope())


@route("POST", BASE + "/{id}/close", action="assessments.write", tag=TAG,
       summary="Close scoring; the evidence is gathered from other services' facts",
       body=RoundCloseIn, response=RoundOut, responses=(404, 409, 422))
def close(req: Request) -> dict:
    return req.rpc.assessment.close_round(req.params["id"], req.body, req.command_id,
                                          req.scope())


@route("POST", BASE + "/{id}/grade", action="assessments.write", tag=TAG,
       summary="Grade the closed round (weights, thresholds, at most 30% excellent)",
       response=RoundOut, responses=(404, 409))
def grade(req: Request) -> dict:
    return req.rpc.assessment.grade_round(req.params["id"], req.command_id, req.scope())


@route("GET", BASE + "/{id}/results", action="assessments.read", tag=TAG,
       summary="Graded results of the round", query=ResultListQuery,
       response=AssessmentResultOut, many=True, responses=(404,))
def results(req: Request) -> dict:
    q = dict(req.query)
    limit, cursor = q.pop("limit"), q.pop("cursor")
    scope = req.scope()
    req.rpc.assessment.get_round(req.params["id"], scope)  # 404 for an unknown round
    return req.rpc.assessment.list_results({**q, "round_id": req.params["id"]}, limit, cursor,
                                           scope)


@route("GET", BASE + "/{id}/results/{member_id}", action="assessments.read", tag=TAG,
       summary="One member's result", response=AssessmentResultOut, responses=(404,))
def result(req: Request) -> dict:
    return req.rpc.assessment.get_result(req.params["id"], req.params["member_id"],
                                         req.scope())


@route("GET", BASE + "/{id}/results/{member_id}/letter", action="assessments.read", tag=TAG,
       summary="Printable result letter (HTML) addressed to the member's own unit",
       content_type="text/html", responses=(404,))
def result_letter(req: Request) -> Reply:
    html = req.rpc.assessment.result_letter(req.params["id"], req.params["member_id"],
                                            req.scope())
    return Reply(html, 200, content_type="text/html")


@route("POST", BASE + "/{id}/reports", action="assessments.write", tag=TAG,
       summary="Report results to each member's own unit (event ResultReported, routed to "
               "departments.outbound as <department>.assessment.result_reported)",
       body=ResultReportIn, response=ResultReportsOut, responses=(404, 409, 422))
def report(req: Request) -> dict:
    return req.rpc.assessment.report_results(req.params["id"], req.body, req.command_id,
                                             req.scope())
