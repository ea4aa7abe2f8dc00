"""Recommendations of outstanding members (assessment service): for Party membership
(推优入党, with the branch assembly vote), League awards and training, tracked to outcome."""

from __future__ import annotations

from marshmallow import fields, validate

from gateway.router import Reply, Request, route
from gateway.routes.common import PageQuery
from services.assessment.contract.schemas import (
    KINDS,
    OUTCOMES,
    RECOMMENDATION_STATUSES,
    BranchVoteIn,
    MemberRecommendationIn,
    MemberRecommendationOut,
    MemberRecommendationOutcomeIn,
    MemberRecommendationSubmitIn,
    PartyDecisionIn,
)

TAG = "recommendations"
BASE = "/recommendations"


class RecommendationListQuery(PageQuery):
    kind = fields.Str(validate=validate.OneOf(KINDS))
    status = fields.Str(validate=validate.OneOf(RECOMMENDATION_STATUSES))
    outcome = fields.Str(validate=validate.OneOf(OUTCOMES))
    member_id = fields.Str(validate=validate.Length(min=1, max=64))
    committee_id = fields.Str(validate=validate.Length(min=1, max=64))
    round_id = fields.Str(validate=validate.Length(min=1, max=64))


@route("POST", BASE, action="recommendations.write", tag=TAG,
       summary="Propose a member for Party membership, a League award or training",
       body=MemberRecommendationIn, response=MemberRecommendationOut, status=201,
       responses=(404, 409, 422))
def create(req: Request) -> Reply:
    rec = req.rpc.assessment.propose_recommendation(req.body, req.command_id, req.scope())
    return Reply(rec, 201, {"Location": f"/api/v1{BASE}/{rec['id']}"})


@route("GET", BASE, action="recommendations.read", tag=TAG, summary="List recommendations",
       query=RecommendationListQuery, response=MemberRecommendationOut, many=True)
def list_(req: Request) -> dict:
    q = dict(req.query)
    limit, cursor = q.pop("limit"), q.pop("cursor")
    return req.rpc.assessment.list_recommendations(q, limit, cursor, req.scope())


@route("GET", BASE + "/{id}", action="recommendations.read", tag=TAG,
       summary="One recommendation with its vote and outcome history",
       response=MemberRecommendationOut, responses=(404,))
def get(req: Request) -> dict:
    return req.rpc.assessment.get_recommendation(req.params["id"], req.scope())


@route("POST", BASE + "/{id}/branch-vote", action="recommendations.write", tag=TAG,
       summary="Record the branch assembly's vote (Party application at least 6 months old, "
               "more than half of the voting members in favour)",
       body=BranchVoteIn, response=MemberRecommendationOut, responses=(404, 409, 422))
def branch_vote(req: Request) -> dict:
    return req.rpc.assessment.record_branch_vote(req.params["id"], req.body, req.command_id,
                                                 req.scope())


@route("POST", BASE + "/{id}/submit", action="recommendations.write", tag=TAG,
       summary="Submit the recommendation to the receiving body", body=MemberRecommendationSubmitIn,
       response=MemberRecommendationOut, responses=(404, 409, 422))
def submit(req: Request) -> dict:
    return req.rpc.assessment.submit_recommendation(req.params["id"], req.body,
                                                    req.command_id, req.scope())


@route("POST", BASE + "/{id}/outcome", action="recommendations.write", tag=TAG,
       summary="Record the outcome (pending, accepted or declined; the last two are final)",
       body=MemberRecommendationOutcomeIn, response=MemberRecommendationOut,
       responses=(404, 409, 422))
def outcome(req: Request) -> dict:
    return req.rpc.assessment.record_recommendation_outcome(req.params["id"], req.body,
                                                            req.command_id, req.scope())


@route("POST", BASE + "/{id}/party-decision", action="recommendations.decide", tag=TAG,
       summary="The organization department records the Party's decision on a recommendation "
               "for Party membership (an outcome, through its own token)",
       body=PartyDecisionIn, response=MemberRecommendationOut, responses=(404, 409, 422))
def party_decision(req: Request) -> dict:
    return req.rpc.assessment.record_party_decision(
        req.params["id"], req.body, req.principal.department, req.command_id, req.scope())
