"""The committee's documents (docs/documents.md): survey report, plan, 请示, 批复, conference
notice with its agenda, 成立通知, year statistics.

`GET /committees/{id}/documents/<kind>.docx|.pdf` with `committees.read`, in scope; an
official one (请示, 批复, 通知) is a 草稿 without a number until
`POST /committees/{id}/documents/<kind>/issue` (committees.write, or committees.approve for
what the county League committee issues) records its number.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gateway.documents import serve, sources
from gateway.documents.kinds import KINDS
from gateway.router import Reply, Request, route

COMMITTEE_KINDS = ("survey-report", "plan", "request", "approval", "conference-notice",
                   "establishment-notice")
# who issues: the county League committee's own documents need the approve action
ISSUE_ACTIONS = {"request": "committees.write", "conference-notice": "committees.write",
                 "approval": "committees.approve", "establishment-notice": "committees.approve"}


def _context(req: Request, kind: str):
    def build() -> dict[str, Any]:
        committee = req.rpc.org.get_committee(req.params["id"], req.scope())
        return sources.committee_context(req.rpc, committee, kind, req.scope())

    return build


def _download(kind: str, fmt: str):
    def handler(req: Request) -> Reply:
        day = None  # a form is dated on its step's day (the survey's, the plan's)
        if not KINDS[kind].official:
            committee = req.rpc.org.get_committee(req.params["id"], req.scope())
            step = sources.COMMITTEE_STEPS[kind]
            on = sources.require_step(committee, step, KINDS[kind].label).get("on")
            day = dt.date.fromisoformat(on[:10]) if on else None
        return serve.download(req, kind, req.params["id"], fmt, _context(req, kind), day)

    handler.__name__ = f"{kind.replace('-', '_')}_{fmt}"
    return handler


def _issue(kind: str):
    def handler(req: Request) -> Reply:
        cid = req.params["id"]
        return serve.issue(req, kind, cid, _context(req, kind),
                           f"/api/v1/committees/{cid}/documents/{kind}.pdf")

    handler.__name__ = f"issue_{kind.replace('-', '_')}"
    return handler


for _kind in COMMITTEE_KINDS:
    _label = KINDS[_kind].label
    for _fmt in KINDS[_kind].formats:
        route("GET", f"/committees/{{id}}/documents/{_kind}.{_fmt}", action="committees.read",
              tag="documents", content_type=serve.MIME[_fmt], responses=(404, 409),
              summary=f"{_label} ({_fmt.upper()}; 409 names the step not yet reached)")(
            _download(_kind, _fmt))
    if KINDS[_kind].official:
        route("POST", f"/committees/{{id}}/documents/{_kind}/issue",
              action=ISSUE_ACTIONS[_kind], tag="documents", response=serve.IssuedOut,
              status=201, responses=(200, 404, 409),
              summary=f"Issue the {_label}: record its number (200 when already issued)")(
            _issue(_kind))
