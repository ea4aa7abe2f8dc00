"""Members' documents (docs/documents.md): 《工作目标承诺书》, 考核结果通报 (numbered), 推优
推荐表 with the 团员大会表决记录, 会议记录, 团员花名册. Each under its resource, with that
resource's read action and scope."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from gateway import policy
from gateway.documents import people, serve, xlsx
from gateway.documents.kinds import KINDS, compose
from gateway.router import Reply, Request, route


class RosterQuery(Schema):
    on = fields.Date(load_default=None, metadata={"description": "the roster's day (today)"})


def _letter(req: Request) -> dict[str, Any]:
    public_only = not policy.allowed(req.principal, "commitments.write")
    letter = req.rpc.assessment.get_letter(req.params["id"], req.scope(), public_only)
    return people.letter_context(req.rpc, letter)


def _result(req: Request) -> dict[str, Any]:
    return people.result_context(req.rpc, req.params["id"], req.params["member_id"],
                                 req.scope())


def _recommendation(req: Request) -> dict[str, Any]:
    rec = req.rpc.assessment.get_recommendation(req.params["id"], req.scope())
    return people.recommendation_context(req.rpc, rec, req.scope())


def _minutes(req: Request) -> dict[str, Any]:
    meeting = req.rpc.activities.get_meeting(req.params["id"], scope=req.scope())
    return people.minutes_context(req.rpc, meeting, req.scope())


def _register(kind: str, path: str, action: str, context, resource_id) -> None:
    for fmt in KINDS[kind].formats:
        def handler(req: Request, fmt: str = fmt) -> Reply:
            return serve.download(req, kind, resource_id(req), fmt, lambda: context(req))

        handler.__name__ = f"{kind.replace('-', '_')}_{fmt}"
        route("GET", f"{path}/documents/{kind}.{fmt}", action=action, tag="documents",
              content_type=serve.MIME[fmt], responses=(404, 409),
              summary=f"{KINDS[kind].label} ({fmt.upper()})")(handler)


_register("commitment-letter", "/commitment-letters/{id}", "commitments.read", _letter,
          lambda req: req.params["id"])
_register("results-notice", "/assessments/{id}/results/{member_id}", "assessments.read",
          _result, lambda req: f"{req.params['id']}:{req.params['member_id']}")
_register("recommendation", "/recommendations/{id}", "recommendations.read", _recommendation,
          lambda req: req.params["id"])
_register("minutes", "/meetings/{id}", "meetings.read", _minutes, lambda req: req.params["id"])


@route("POST", "/assessments/{id}/results/{member_id}/documents/results-notice/issue",
       action="assessments.write", tag="documents", response=serve.IssuedOut, status=201,
       responses=(200, 404, 409),
       summary="Issue the 考核结果通报: record its number (200 when already issued)")
def issue_results_notice(req: Request) -> Reply:
    rid, mid = req.params["id"], req.params["member_id"]
    return serve.issue(req, "results-notice", f"{rid}:{mid}", lambda: _result(req),
                       f"/api/v1/assessments/{rid}/results/{mid}/documents/results-notice.pdf")


def _roster(req: Request):
    on = req.query.get("on") or serve.today()
    unit, rows = people.roster_rows(req.rpc, req.params["id"], on, req.scope())
    return unit, rows, on


@route("GET", "/units/{id}/documents/roster.xlsx", action="members.read", tag="documents",
       query=RosterQuery, content_type=serve.MIME["xlsx"], responses=(404,),
       summary="团员花名册 (XLSX): the unit's members on a day, ID numbers masked")
def roster_xlsx(req: Request) -> Reply:
    unit, rows, on = _roster(req)
    ctx = people.roster_context(unit, rows, on)["roster"]
    payload = xlsx.sheet("团员花名册", f"{ctx['unit_name']}　截至{ctx['date']}　共{len(rows)}人",
                         people.ROSTER_COLUMNS, rows, "团员花名册")
    return serve.file_reply(payload, "xlsx", f"团员花名册-{ctx['unit_name']}-{on.isoformat()}")


@route("GET", "/units/{id}/documents/roster.pdf", action="members.read", tag="documents",
       query=RosterQuery, content_type=serve.MIME["pdf"], responses=(404,),
       summary="团员花名册 (PDF): the unit's members on a day, ID numbers masked")
def roster_pdf(req: Request) -> Reply:
    unit, rows, on = _roster(req)
    doc = compose(KINDS["roster"], people.roster_context(unit, rows, on), day=on)
    return serve.file_reply(serve.render(doc, "pdf"), "pdf",
                            f"团员花名册-{unit.get('name') or unit['id']}-{on.isoformat()}",
                            {"X-Text-Hash": doc.digest()})
