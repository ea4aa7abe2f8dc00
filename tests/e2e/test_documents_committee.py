"""The committee's documents over HTTP: every kind in both formats from the platform's data,
409 naming the step before it is reached, drafts without a number, issuing with consecutive
numbers in a year and the same text on a second download; PNGs of page one under $VAR."""

from __future__ import annotations

from urllib.parse import unquote

from gateway.documents.kinds import KINDS
from gateway.routes.documents import COMMITTEE_KINDS
from tests.e2e.test_org_committees import APPROVAL, FOUNDING, STEPS, _leadership, _post
from tests.e2e.test_org_kit import create_committee, problem
from tests.support.documents import (
    assert_gbt9704,
    docx_text,
    flat,
    pdf_layout,
    pdf_text,
    save_png,
)

FACTS = {
    "survey-report": ["1200", "40 cooperatives, few League organizations"],
    "plan": ["专业团委", "团支部", "Zhang Wei"],
    "request": ["共青团莱城区委员会：", "签发人：Zhang Wei", "妥否，请批示"],
    "approval": ["Zhang Wei", "此复"],
    "conference-notice": ["宣读成立文件", "Rural Commercial Bank", "上级领导讲话"],
    "establishment-notice": ["Zhang Wei", "特此通知"],
}


def _founded(api) -> str:
    cid = create_committee(api)["id"]
    for step, body in STEPS:
        assert _post(api, cid, step, body).status_code == 200
    deputies = [d["name"] for d in _leadership(api, cid, deputies=7)["deputy_secretaries"]]
    assert _post(api, cid, *APPROVAL).status_code == 200
    assert _post(api, cid, *FOUNDING).status_code == 200
    FACTS["approval"] += deputies[:2]
    FACTS["establishment-notice"] += deputies[-2:]
    return cid


def _get(api, cid: str, kind: str, fmt: str, **kw):
    return api.get(f"/api/v1/committees/{cid}/documents/{kind}.{fmt}", **kw)


def test_every_committee_document_in_both_formats(api):
    cid = _founded(api)
    for kind in COMMITTEE_KINDS:
        official = KINDS[kind].official
        if official:
            r = api.post(f"/api/v1/committees/{cid}/documents/{kind}/issue")
            assert r.status_code == 201, r.text
        r = _get(api, cid, kind, "pdf")
        assert r.status_code == 200, r.text
        assert r.headers["Content-Type"] == "application/pdf"
        assert r.headers["Cache-Control"] == "no-store"
        text = flat(pdf_text(r.content))
        facts = FACTS[kind] + ([unquote(r.headers["X-Document-Number"])] if official else [])
        for fact in facts:
            assert flat(fact) in text, (kind, fact)
        assert_gbt9704(pdf_layout(r.content), official)
        save_png(r.content, f"committee-{kind}")
        d = _get(api, cid, kind, "docx")
        assert d.status_code == 200, d.text
        assert d.headers["X-Text-Hash"] == r.headers["X-Text-Hash"]
        words = docx_text(d.content)
        for fact in facts:
            assert flat(fact) in words, (kind, fact)


def test_a_step_not_reached_answers_409_naming_it(api):
    cid = create_committee(api)["id"]
    for step, body in STEPS[:1]:
        assert _post(api, cid, step, body).status_code == 200
    assert _get(api, cid, "survey-report", "pdf").status_code == 200
    body = problem(_get(api, cid, "plan", "docx"), 409)
    assert body["required_step"] == "plan_drafted" and "制定方案" in body["detail"]
    body = problem(api.post(f"/api/v1/committees/{cid}/documents/approval/issue"), 409)
    assert body["required_step"] == "establishment_approved"
    assert problem(_get(api, "no-such-committee", "plan", "pdf"), 404)


def test_draft_then_issue_numbers_consecutively_and_keeps_the_text(api):
    first, second = _founded(api), _founded(api)
    draft = _get(api, first, "request", "pdf")
    assert draft.status_code == 200 and "X-Document-Number" not in draft.headers
    text = flat(pdf_text(draft.content))
    assert "草稿" in text and "〔" not in text
    issued = [api.post(f"/api/v1/committees/{cid}/documents/request/issue")
              for cid in (first, second)]
    assert [r.status_code for r in issued] == [201, 201], [r.text for r in issued]
    a, b = (r.json() for r in issued)
    assert a["year"] == b["year"] and b["sequence"] == a["sequence"] + 1
    assert b["number"].endswith(f"〔{b['year']}〕{b['sequence']}号")
    assert a["issuer"] == "working_committee" and a["issued_by"]
    # issuing again answers the same record; downloads repeat text, hash and number
    again = api.post(f"/api/v1/committees/{first}/documents/request/issue")
    assert again.status_code == 200 and again.json() == a
    one, two = _get(api, first, "request", "pdf"), _get(api, first, "request", "pdf")
    assert one.headers["X-Text-Hash"] == two.headers["X-Text-Hash"] == a["text_hash"]
    assert unquote(one.headers["X-Document-Number"]) == a["number"]
    assert a["number"] in flat(pdf_text(one.content))
    assert flat(pdf_text(one.content)) == flat(pdf_text(two.content))
    # a later change of the data does not change the issued document
    deputy = api.get(f"/api/v1/committees/{first}").json()["deputy_secretaries"][0]
    r = api.post(f"/api/v1/committees/{first}/leadership-removals",
                 {"post": "deputy_secretary", "person_id": deputy["person_id"]})
    assert r.status_code == 200, r.text
    three = _get(api, first, "request", "pdf")
    assert three.headers["X-Text-Hash"] == a["text_hash"]
    assert flat(deputy["name"]) in flat(pdf_text(three.content))
    assert _get(api, second, "plan", "pdf").headers["X-Text-Hash"] != a["text_hash"]


def test_issuing_needs_the_right_action(api):
    cid = _founded(api)
    viewer = api.token("agriculture", "viewer")
    assert _get(api, cid, "plan", "pdf", token=viewer).status_code == 200
    r = api.post(f"/api/v1/committees/{cid}/documents/request/issue", token=viewer)
    assert problem(r, 403)
    editor = api.token("league_committee", "editor")
    r = api.post(f"/api/v1/committees/{cid}/documents/approval/issue", token=editor)
    assert problem(r, 403)
    assert api.post(f"/api/v1/committees/{cid}/documents/conference-notice/issue",
                    token=editor).status_code == 201


def test_year_statistics_in_xlsx_and_pdf(api):
    import io

    from openpyxl import load_workbook

    cid = create_committee(api)["id"]
    base = f"/api/v1/committees/{cid}/documents/year-statistics"
    x = api.get(f"{base}.xlsx")
    assert x.status_code == 200, x.text
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(x.content)).active
            .iter_rows()]
    assert rows[0][0].endswith("年度统计表") and rows[2] == ["类别", "指标", "数值"]
    categories = {r[0] for r in rows[3:]}
    assert {"组织建设", "建团覆盖率", "团员与青年", "活动开展"} <= categories
    assert any(r[1] == "合作组织" and isinstance(r[2], int) for r in rows[3:])
    p = api.get(f"{base}.pdf?year=2025")
    assert p.status_code == 200, p.text
    text = flat(pdf_text(p.content))
    assert "2025年度统计表" in text and "建团覆盖率" in text
    assert_gbt9704(pdf_layout(p.content), official=False)
    save_png(p.content, "committee-year-statistics")
    # a bank's viewer reads only the credit section: the others are named as withheld
    bank = api.get(f"{base}.pdf", token=api.token("bank", "viewer"))
    assert bank.status_code == 200, bank.text
    assert "无权查看" in flat(pdf_text(bank.content))
    assert problem(api.get(f"{base}.xlsx?year=1900"), 422)
