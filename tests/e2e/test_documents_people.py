"""Members' documents over HTTP: the commitment letter (the four commitments), the results
notice to the member's unit (numbered), the minutes of a meeting and the unit's roster."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import unquote

from openpyxl import load_workbook

from tests.conftest import wait_until
from tests.e2e.test_assessment_round import CATEGORIES, YEAR, day, make_letter, ok
from tests.e2e.test_assessment_round import world as world  # noqa: F401 (the fixture)
from tests.e2e.test_org_kit import problem
from tests.support.documents import (
    assert_gbt9704,
    docx_text,
    flat,
    pdf_layout,
    pdf_text,
    save_png,
)

HEADINGS = ["共性承诺", "岗位承诺", "实事承诺", "自律承诺"]


def _both(api, path: str, facts: list[str], official: bool, name: str) -> dict[str, Any]:
    r = api.get(f"{path}.pdf")
    assert r.status_code == 200, r.text
    text = flat(pdf_text(r.content))
    for fact in facts:
        assert flat(fact) in text, (path, fact)
    assert_gbt9704(pdf_layout(r.content), official)
    save_png(r.content, name)
    d = api.get(f"{path}.docx")
    assert d.status_code == 200, d.text
    words = docx_text(d.content)
    for fact in facts:
        assert flat(fact) in words, (path, fact)
    return dict(r.headers)


def test_the_commitment_letter(api, world) -> None:
    letter = make_letter(api, world, world["people"]["deputy"])
    base = f"/api/v1/commitment-letters/{letter['id']}/documents/commitment-letter"
    _both(api, base, ["《工作目标承诺书》", *HEADINGS, "Wang Fang", "承诺人（签名）",
                      f"{CATEGORIES[2]} commitment"], False, "people-commitment-letter")
    assert problem(api.get("/api/v1/commitment-letters/nope/documents/"
                           "commitment-letter.pdf"), 404)


def test_minutes_and_roster(api, world) -> None:
    def recorded() -> Any:
        r = api.post("/api/v1/meetings", {
            "meeting_type": "branch_monthly_youth_exchange", "unit_id": world["branch_id"],
            "held_on": day(5, 12),
            "attendee_member_ids": [world["member_id"]], "topics": ["苹果销售"],
            "resolutions": ["组织电商培训"], "minutes": "讨论了销售渠道。"})
        return r.json() if r.status_code == 201 else None

    meeting = wait_until(recorded, timeout=30, message="activities learns the branch")
    _both(api, f"/api/v1/meetings/{meeting['id']}/documents/minutes",
          ["会议记录", "团支部青年社员沟通交流会", "Chen Jing", "苹果销售",
           "组织电商培训", "讨论了销售渠道"], False, "people-minutes")
    roster = f"/api/v1/units/{world['branch_id']}/documents/roster"
    r = api.get(f"{roster}.pdf")
    assert r.status_code == 200, r.text
    text = flat(pdf_text(r.content))
    assert "团员花名册" in text and "ChenJing" in text
    assert_gbt9704(pdf_layout(r.content), official=False)
    save_png(r.content, "people-roster")
    x = api.get(f"{roster}.xlsx")
    assert x.status_code == 200 and x.headers["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(x.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "团员花名册" and rows[2][:2] == ["序号", "姓名"]
    assert rows[3][1] == "Chen Jing"
    resident = rows[3][5]
    assert resident.startswith("*") and resident.count("*") >= 14  # masked, last 4 shown
    # before the member joined, the roster is empty
    early = api.get(f"{roster}.xlsx?on={YEAR - 3}-01-01")
    assert len(list(load_workbook(io.BytesIO(early.content)).active.iter_rows())) == 3
    assert problem(api.get(f"{roster}.pdf?on=not-a-date"), 422)


def test_the_results_notice_is_numbered_and_goes_to_the_unit(api, world) -> None:
    cid = world["committee_id"]
    rnd = ok(api.post("/api/v1/assessments", {"committee_id": cid, "year": YEAR}), 201)
    rid, deputy = rnd["id"], world["people"]["deputy"]
    path = f"/api/v1/assessments/{rid}/results/{deputy}/documents/results-notice"
    for m in rnd["member_ids"]:
        ok(api.post(f"/api/v1/assessments/{rid}/self-scores", {"member_id": m, "score": 90}),
           201)
    ok(api.post(f"/api/v1/assessments/{rid}/close", {}))
    # before grading: 409 naming the step
    body = problem(api.get(f"{path}.pdf"), 409)
    assert body["required_step"] == "graded"
    ok(api.post(f"/api/v1/assessments/{rid}/grade"))
    draft = api.get(f"{path}.pdf")
    assert draft.status_code == 200 and "草稿" in flat(pdf_text(draft.content))
    issued = api.post(f"{path}/issue")
    assert issued.status_code == 201, issued.text
    record = issued.json()
    headers = _both(api, path, ["考核结果通报", "Agriculture bureau", "Wang Fang", "考核等次",
                                record["number"]], True, "people-results-notice")
    assert unquote(headers["X-Document-Number"]) == record["number"]
    assert headers["X-Text-Hash"] == record["text_hash"]
    assert api.post(f"{path}/issue").json() == record


def test_the_recommendation_form_with_the_vote(api, world) -> None:
    recs = "/api/v1/recommendations"
    rec = ok(api.post(recs, {"kind": "party_membership", "member_id": world["people"]["leader"],
                             "committee_id": world["committee_id"], "reason": "带头发展电商",
                             "party_applied_on": f"{YEAR - 1}-03-01",
                             "proposed_on": day(8, 1)}), 201)
    path = f"{recs}/{rec['id']}/documents/recommendation"
    body = problem(api.get(f"{path}.pdf"), 409)  # no vote yet
    assert body["required_step"] == "branch_vote"
    # issue 12: the working committee (its four people) votes on one of its people
    ok(api.post(f"{recs}/{rec['id']}/branch-vote", {
        "branch_id": world["committee_id"], "vote_on": day(9, 1), "voting_members": 4,
        "in_favour": 3, "against": 1, "abstain": 0}))
    _both(api, path, ["推荐优秀团员作为党的发展对象推荐表", "Zhao Lei", "带头发展电商",
                      "团员大会表决记录", "无记名投票", "通过", f"{YEAR - 1}年3月1日"],
          False, "people-recommendation")
