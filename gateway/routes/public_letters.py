"""The public page of a published commitment letter: no sign-in, comments after moderation.

`GET /public/commitment-letters/{id}` answers a letter that is published (or later) to anyone,
without the internal fields (pending comment count, versions' authors); a draft answers 404.
`POST .../comments` takes a comment from anyone, limited per client address
(`PUBLIC_COMMENTS_PER_HOUR` on one letter, default 6, burst 3; four times that over all
letters, burst 12): it is stored as pending and shown only once
a moderator of the league committee accepts it (`commitments.moderate`). The console's page
`/letters/{id}` reads these routes; its QR code links to that page.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from eventkit import config
from gateway import ratelimit
from gateway.problems import Problem
from gateway.router import Reply, Request, route
from gateway.routes.accounts import _body
from services.assessment.contract.schemas import LetterCommentIn, LetterItemOut

TAG = "public"
BASE = "/public/commitment-letters/{id}"
_SHOWN = ("id", "member_name", "year", "status", "published_on", "notice_days",
          "notice_last_day", "current_version", "items", "comments")


class PublicComment(Schema):
    text = fields.Str(required=True)
    name = fields.Str(allow_none=True)
    received_at = fields.Str(allow_none=True)


class PublicLetter(Schema):
    id = fields.Str(required=True)
    member_name = fields.Str(allow_none=True)
    year = fields.Int(required=True)
    status = fields.Str(required=True)
    published_on = fields.Str(allow_none=True)
    notice_days = fields.Int(allow_none=True)
    notice_last_day = fields.Str(allow_none=True)
    current_version = fields.Int(required=True)
    items = fields.List(fields.Nested(LetterItemOut), required=True)
    comments = fields.List(fields.Nested(PublicComment), required=True,
                           metadata={"description": "accepted comments only, no contacts"})


class CommentReceived(Schema):
    status = fields.Str(required=True, metadata={"description": "`pending`: shown once accepted"})


_buckets: tuple[ratelimit.TokenBuckets, ratelimit.TokenBuckets] | None = None


def buckets() -> tuple[ratelimit.TokenBuckets, ratelimit.TokenBuckets]:
    """(per address and letter, per address over every letter)."""
    global _buckets
    if _buckets is None:
        per_hour = config.env_float("PUBLIC_COMMENTS_PER_HOUR", 6.0)
        _buckets = (ratelimit.TokenBuckets(per_hour / 3600.0, 3.0),
                    ratelimit.TokenBuckets(4 * per_hour / 3600.0, 12.0))
    return _buckets


def _letter(req: Request) -> dict[str, Any]:
    letter = req.rpc.assessment.get_letter(req.params["id"], None, True)
    shown = {k: letter.get(k) for k in _SHOWN}
    shown["items"] = letter.get("items") or []
    shown["comments"] = [{"text": c.get("text"), "name": c.get("name"),
                          "received_at": c.get("received_at")}
                         for c in letter.get("comments") or []]
    return shown


@route("GET", BASE, action="public.read", tag=TAG, auth=False, response=PublicLetter,
       summary="A published commitment letter for the public (no sign-in)", responses=(404,))
def letter(req: Request) -> Reply:
    return Reply(_letter(req), 200, {"Cache-Control": "no-cache"})


@route("POST", BASE + "/comments", action="public.read", tag=TAG, auth=False,
       summary="Leave a comment (shown after moderation; limited per address)",
       body=LetterCommentIn, response=CommentReceived, status=202,
       responses=(404, 409, 422, 429))
def comment(req: Request) -> Reply:
    body = _body(req, LetterCommentIn)
    _letter(req)  # 404 for a draft or an unknown letter, before the bucket is used
    address = getattr(req.raw, "remote_addr", None) or "unknown"
    per_letter, per_address = buckets()
    wait = per_letter.take(f"{address} {req.params['id']}") or per_address.take(address)
    if wait > 0:
        after = ratelimit.retry_after(wait)
        raise Problem(429, f"too many comments from this address; retry in {after} s",
                      headers={"Retry-After": after})
    req.rpc.assessment.comment_on_letter(req.params["id"], body, req.command_id, None)
    return Reply({"status": "pending"}, 202)
