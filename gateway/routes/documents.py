"""The committee's documents (docs/documents.md): survey report, plan, 请示, 批复, conference
notice with its agenda, 成立通知, and the 年度统计表 (XLSX, PDF; `dashboard.read`).

`GET /committees/{id}/documents/<kind>.docx|.pdf` with `committees.read`, in scope; an
official one (请示, 批复, 通知) is a 草稿 without a number until
`POST /committees/{id}/documents/<kind>/issue` (committees.write, or committees.approve for
what the county League committee issues) records its number.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import Schema, fields, validate

from gateway.documents import serve, settings, sources, statistics, xlsx
from gateway.documents.kinds import KINDS, compose
from gateway.documents.model import chinese_date
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


class YearQuery(Schema):
    year = fields.Int(load_default=None, validate=validate.Range(min=2000, max=2100),
                      metadata={"description": "the year (this year)"})


def _statistics(req: Request) -> tuple[int, list[list[Any]], list[str], int]:
    req.rpc.org.get_committee(req.params["id"], req.scope())  # 404 outside scope
    today = serve.today()
    year = req.query.get("year") or today.year
    month = today.month if year == today.year else 12
    rows, gaps = statistics.rows(req.rpc, req.pool, req.principal, req.scope(), year, month)
    return year, rows, gaps, month


@route("GET", "/committees/{id}/documents/year-statistics.xlsx", action="dashboard.read",
       tag="documents", query=YearQuery, content_type=serve.MIME["xlsx"], responses=(404,),
       summary="年度统计表 (XLSX): units, coverage, members, meetings, activities, funds, "
               "credit, assessment of a year (the sections the caller may read)")
def year_statistics_xlsx(req: Request) -> Reply:
    year, rows, gaps, month = _statistics(req)
    names = settings.names()
    note = f"统计截至{chinese_date(serve.today())}"
    if gaps:
        note += f"；未列入：{'、'.join(gaps)}"
    payload = xlsx.sheet(f"{names['working_committee']}{year}年度统计表", note,
                         statistics.COLUMNS, rows, f"{year}年度统计")
    return serve.file_reply(payload, "xlsx", f"年度统计表-{year}")


@route("GET", "/committees/{id}/documents/year-statistics.pdf", action="dashboard.read",
       tag="documents", query=YearQuery, content_type=serve.MIME["pdf"], responses=(404,),
       summary="年度统计表 (PDF): the same rows as the XLSX")
def year_statistics_pdf(req: Request) -> Reply:
    year, rows, gaps, month = _statistics(req)
    doc = compose(KINDS["year-statistics"],
                  {"stats": {"year": year, "rows": [[str(c) for c in r] for r in rows],
                             "gaps": gaps, "month": month}}, day=serve.today())
    return serve.file_reply(serve.render(doc, "pdf"), "pdf", f"年度统计表-{year}",
                            {"X-Text-Hash": doc.digest()})
