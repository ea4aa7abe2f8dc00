"""Work target commitment letters (assessment service) and public supervision.

Posting a public comment uses the `commitments.read` action: any authenticated department
viewer may post one (the dispatcher has no anonymous write route yet). Moderation needs
`commitments.moderate`; only accepted comments are ever shown, contacts masked.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from gateway import policy
from gateway.router import Reply, Request, route
from gateway.routes.common import PageQuery
from services.assessment.contract.schemas import (
    LETTER_STATUSES,
    CommentRejectIn,
    LetterAmendmentIn,
    LetterAssessedIn,
    LetterCommentIn,
    LetterCommentOut,
    LetterIn,
    LetterItemIn,
    LetterItemOut,
    LetterOut,
    LetterProgressIn,
    LetterProgressOut,
    LetterPublishIn,
    LettersMissingOut,
    LettersMissingQuery,
    LetterSubmitIn,
)

TAG = "commitment letters"
BASE = "/commitment-letters"


class LetterListQuery(PageQuery):
    committee_id = fields.Str(validate=validate.Length(min=1, max=64))
    member_id = fields.Str(validate=validate.Length(min=1, max=64))
    year = fields.Int(validate=validate.Range(min=2000, max=2100))
    status = fields.Str(validate=validate.OneOf(LETTER_STATUSES))


class LetterCommentList(Schema):
    items = fields.List(fields.Nested(LetterCommentOut), required=True)
    next_cursor = fields.Str(allow_none=True, required=True)


def _letter_path(letter_id: str) -> str:
    return f"/api/v1{BASE}/{letter_id}"


def _public_only(req: Request) -> bool:
    """Drafts and submitted letters are internal: only those who may write letters see
    them; everyone else sees the published ones (a draft answers 404)."""
    return not policy.allowed(req.principal, "commitments.write")


@route("POST", BASE, action="commitments.write", tag=TAG,
       summary="Draft a member's commitment letter for a year", body=LetterIn,
       response=LetterOut, status=201, responses=(404, 409, 422))
def create(req: Request) -> Reply:
    letter = req.rpc.assessment.draft_letter(req.body, req.command_id, req.scope())
    return Reply(letter, 201, {"Location": _letter_path(letter["id"])})


@route("GET", BASE, action="commitments.read", tag=TAG, summary="List commitment letters",
       query=LetterListQuery, response=LetterOut, many=True)
def list_(req: Request) -> dict:
    q = dict(req.query)
    limit, cursor = q.pop("limit"), q.pop("cursor")
    return req.rpc.assessment.list_letters(q, limit, cursor, req.scope(), _public_only(req))


@route("GET", BASE + "/{id}", action="commitments.read", tag=TAG,
       summary="One letter: items in force, every version, progress, accepted comments",
       response=LetterOut, responses=(404,))
def get(req: Request) -> dict:
    return req.rpc.assessment.get_letter(req.params["id"], req.scope(), _public_only(req))


@route("POST", BASE + "/{id}/items", action="commitments.write", tag=TAG,
       summary="Add an item to a drafted letter", body=LetterItemIn, response=LetterItemOut,
       status=201, responses=(404, 409, 422))
def add_item(req: Request) -> Reply:
    item = req.rpc.assessment.add_letter_item(req.params["id"], req.body, req.command_id,
                                              req.scope())
    return Reply(item, 201, {"Location": _letter_path(req.params["id"])})


@route("PUT", BASE + "/{id}/items/{item_id}", action="commitments.write", tag=TAG,
       summary="Revise an item of a drafted letter", body=LetterItemIn, response=LetterOut,
       responses=(404, 409, 422))
def revise_item(req: Request) -> dict:
    return req.rpc.assessment.revise_letter_item(req.params["id"], req.params["item_id"],
                                                 req.body, req.command_id, req.scope())


@route("DELETE", BASE + "/{id}/items/{item_id}", action="commitments.write", tag=TAG,
       summary="Remove an item of a drafted letter", response=LetterOut, responses=(404, 409))
def remove_item(req: Request) -> dict:
    return req.rpc.assessment.remove_letter_item(req.params["id"], req.params["item_id"],
                                                 req.command_id, req.scope())


@route("POST", BASE + "/{id}/submit", action="commitments.write", tag=TAG,
       summary="Submit the signed letter (needs an item in each of the four categories)",
       body=LetterSubmitIn, response=LetterOut, responses=(404, 409, 422))
def submit(req: Request) -> dict:
    return req.rpc.assessment.submit_letter(req.params["id"], req.body, req.command_id,
                                            req.scope())


@route("POST", BASE + "/{id}/publish", action="commitments.write", tag=TAG,
       summary="Publish for public notice (default 7 days)", body=LetterPublishIn,
       response=LetterOut, responses=(404, 409, 422))
def publish(req: Request) -> dict:
    return req.rpc.assessment.publish_letter(req.params["id"], req.body, req.command_id,
                                             req.scope())


@route("POST", BASE + "/{id}/start", action="commitments.write", tag=TAG,
       summary="Start implementation once the notice period has ended", response=LetterOut,
       responses=(404, 409))
def start(req: Request) -> dict:
    return req.rpc.assessment.start_letter(req.params["id"], req.command_id, req.scope())


@route("POST", BASE + "/{id}/progress-reports", action="commitments.write", tag=TAG,
       summary="Report progress on an item, with evidence links", body=LetterProgressIn,
       response=LetterProgressOut, status=201, responses=(404, 409, 422))
def report_progress(req: Request) -> Reply:
    report = req.rpc.assessment.report_letter_progress(req.params["id"], req.body,
                                                       req.command_id, req.scope())
    return Reply(report, 201, {"Location": _letter_path(req.params["id"])})


@route("POST", BASE + "/{id}/amendments", action="commitments.write", tag=TAG,
       summary="Amend a published letter: a new version with a reason", body=LetterAmendmentIn,
       response=LetterOut, status=201, responses=(404, 409, 422))
def amend(req: Request) -> Reply:
    letter = req.rpc.assessment.amend_letter(req.params["id"], req.body, req.command_id,
                                             req.scope())
    return Reply(letter, 201, {"Location": _letter_path(req.params["id"])})


@route("POST", BASE + "/{id}/assessed", action="commitments.write", tag=TAG,
       summary="Mark the letter assessed by a graded round (grading does it too)",
       body=LetterAssessedIn, response=LetterOut, responses=(404, 409, 422))
def assessed(req: Request) -> dict:
    return req.rpc.assessment.mark_letter_assessed(req.params["id"], req.body,
                                                   req.command_id, req.scope())


@route("POST", BASE + "/{id}/comments", action="commitments.read", tag=TAG,
       summary="Post a public comment on a published letter (any department viewer)",
       body=LetterCommentIn, response=LetterCommentOut, status=201, responses=(404, 409, 422))
def comment(req: Request) -> Reply:
    req.rpc.assessment.get_letter(req.params["id"], req.scope(), _public_only(req))  # 404
    posted = req.rpc.assessment.comment_on_letter(req.params["id"], req.body, req.command_id,
                                                  req.scope())
    return Reply(posted, 201, {"Location": _letter_path(req.params["id"]) + "/comments"})


@route("GET", BASE + "/{id}/comments", action="commitments.read", tag=TAG,
       summary="Accepted comments (contacts masked)", response=LetterCommentList, responses=(404,))
def comments(req: Request) -> dict:
    return req.rpc.assessment.list_letter_comments(req.params["id"], "accepted", req.scope(),
                                                   _public_only(req))


@route("GET", BASE + "/{id}/moderation-queue", action="commitments.moderate", tag=TAG,
       summary="Comments waiting for moderation (contacts masked)", response=LetterCommentList,
       responses=(404,))
def moderation_queue(req: Request) -> dict:
    return req.rpc.assessment.list_letter_comments(req.params["id"], "pending", req.scope())


@route("POST", BASE + "/{id}/comments/{comment_id}/accept", action="commitments.moderate",
       tag=TAG, summary="Accept a comment: it is shown from now on", response=LetterCommentOut,
       responses=(404, 409))
def accept(req: Request) -> dict:
    return req.rpc.assessment.accept_comment(req.params["id"], req.params["comment_id"],
                                             req.command_id, req.scope())


@route("POST", BASE + "/{id}/comments/{comment_id}/reject", action="commitments.moderate",
       tag=TAG, summary="Reject a comment with a reason", body=CommentRejectIn,
       response=LetterCommentOut, responses=(404, 409, 422))
def reject(req: Request) -> dict:
    return req.rpc.assessment.reject_comment(req.params["id"], req.params["comment_id"],
                                             req.body, req.command_id, req.scope())


@route("GET", BASE + "/missing", action="assessments.read", tag=TAG,
       summary="People in post on a working committee whose commitment letter for the term is "
               "missing or unpublished past the notice period (issue 12)",
       query=LettersMissingQuery, response=LettersMissingOut)
def letters_missing(req: Request) -> dict:
    return req.rpc.assessment.letters_missing(req.query["committee_id"], req.scope())
