"""Every committee document from a committee's data, in DOCX and PDF, in the GB/T 9704 layout.

Renderers only (no platform): the services' answers are the sample's; pdftotext and
pdfplumber read the PDFs, python-docx opens the DOCX files. PNGs of page one land in
$VAR/documents/ for a human look.
"""

from __future__ import annotations

import datetime as dt

import pytest

from gateway.documents import docx, pdf, people, sources
from gateway.documents.kinds import KINDS, compose
from gateway.documents.model import Document
from tests.support.documents import (
    assert_gbt9704,
    docx_layout,
    docx_text,
    flat,
    pdf_layout,
    pdf_text,
    save_png,
)
from tests.unit.documents.sample import (
    DEPUTIES,
    LETTER,
    MEETING,
    RECOMMENDATION,
    FakeRpc,
    committee,
)

DAY = dt.date(2026, 11, 30)
COMMITTEE_KINDS = ("survey-report", "plan", "request", "approval", "conference-notice",
                   "establishment-notice")
# what each document must say besides its title
FACTS = {
    "survey-report": ["1600", "凤城街道", "多数合作社尚未建立团组织"],
    "plan": ["专业团委", "团小组", "张红梅"],
    "request": ["共青团莱城区委员会：", "签发人：张红梅", "妥否，请批示", "附件："],
    "approval": ["莱城区农村合作组织团工委筹备小组：", "张红梅", *DEPUTIES, "此复"],
    "conference-notice": ["2026年5月20日", "宣读成立文件", "莱城农商银行", "上级领导讲话"],
    "establishment-notice": ["张红梅", *DEPUTIES, "徐明", "特此通知"],
}


def _doc(kind: str, number: str | None = "莱团发〔2026〕3号") -> Document:
    context = sources.committee_context(FakeRpc(), committee(), kind, None)
    return compose(KINDS[kind], context, day=DAY, number=number)


@pytest.mark.parametrize("kind", COMMITTEE_KINDS)
def test_committee_document_in_both_formats(kind: str) -> None:
    doc = _doc(kind)
    payload = pdf.render(doc)
    text = flat(pdf_text(payload))
    for fact in [doc.title, *FACTS[kind]]:
        assert flat(fact) in text, (kind, fact)
    if KINDS[kind].official:
        assert "莱团发〔2026〕3号" in text
        assert doc.addressee and f"{doc.addressee}：" in text
        assert "草稿" not in text
    measures = pdf_layout(payload)
    assert_gbt9704(measures, KINDS[kind].official)
    assert save_png(payload, f"render-{kind}").stat().st_size > 1000
    words = docx_text(docx.render(doc))
    for fact in [doc.title, *FACTS[kind]]:
        assert flat(fact) in words, (kind, fact)


@pytest.mark.parametrize("kind", ["request", "approval", "establishment-notice"])
def test_official_layout_measures(kind: str) -> None:
    measures = pdf_layout(pdf.render(_doc(kind)))
    # the mark's top edge 35 mm under the type area (80 mm for an upward 请示)
    expected = 37 + (80 if KINDS[kind].upward else 35)
    assert abs(measures["red_top"] - expected) <= 1.5, measures["red_top"]
    assert measures["red_text"].startswith("共青团莱城区委员会" if kind != "request"
                                           else "莱城区农村合作组织团工委")
    assert 22.0 in measures["sizes"] and 16.0 in measures["sizes"]
    layout = docx_layout(docx.render(_doc(kind)))
    assert abs(layout["page"][0] - 210) < 0.5 and abs(layout["page"][1] - 297) < 0.5
    assert abs(layout["top"] - 37) < 0.5 and abs(layout["left"] - 28) < 0.5
    assert abs(layout["right"] - 26) < 0.5 and abs(layout["bottom"] - 35) < 0.5
    assert {"方正小标宋简体", "仿宋_GB2312"} <= layout["fonts"]
    assert {22.0, 16.0} <= layout["sizes"]
    assert layout["red_runs"], "the mark is red in the DOCX too"


def test_a_long_document_continues_at_the_top_margin() -> None:
    doc = _doc("survey-report")
    doc.blocks = doc.blocks * 4
    measures = pdf_layout(pdf.render(doc))
    assert measures["pages"] >= 2
    assert abs(measures["second_page_top"] - 37) <= 1.0


def test_twenty_eight_characters_a_line() -> None:
    doc = _doc("approval")
    payload = pdf.render(doc)
    text = pdf_text(payload).split("抄送")[0]  # the body, not the 4号 closing record
    lines = [line.strip() for line in text.splitlines()]
    full = [line for line in lines if len(line) == 28]
    assert full, "a full body line holds 28 characters"
    assert not [line for line in lines if len(line.replace(" ", "")) > 29]


def test_a_draft_has_no_number() -> None:
    doc = _doc("request", number=None)
    text = flat(pdf_text(pdf.render(doc)))
    assert "草稿" in text and "〔" not in text
    assert "草稿" in docx_text(docx.render(doc))
    assert_gbt9704(pdf_layout(pdf.render(doc)), official=True)


def test_the_stored_document_renders_the_same_text() -> None:
    doc = _doc("establishment-notice")
    again = Document.from_dict(doc.to_dict())
    assert again.digest() == doc.digest()
    assert flat(pdf_text(pdf.render(again))) == flat(pdf_text(pdf.render(doc)))


def _people(kind: str) -> Document:
    rpc = FakeRpc()
    if kind == "commitment-letter":
        ctx = people.letter_context(rpc, LETTER)
    elif kind == "results-notice":
        ctx = people.result_context(rpc, "r1", "d0", None)
    elif kind == "recommendation":
        ctx = people.recommendation_context(rpc, RECOMMENDATION, None)
    elif kind == "minutes":
        ctx = people.minutes_context(rpc, MEETING, None)
    else:
        unit, rows = people.roster_rows(rpc, "u1", dt.date(2026, 6, 30), None)
        ctx = people.roster_context(unit, rows, dt.date(2026, 6, 30))
    return compose(KINDS[kind], ctx, day=DAY, number="莱合团工委发〔2026〕5号")


PEOPLE_FACTS = {
    "commitment-letter": ["《工作目标承诺书》", "共性承诺", "岗位承诺", "实事承诺", "自律承诺",
                          "王芳", "副书记", "承诺人（签名）", "办一件实事的内容"],
    "results-notice": ["区成员单位0：", "王芳", "90.10", "优秀", "莱合团工委发〔2026〕5号",
                       "特此通报"],
    "minutes": ["会议记录", "团支部青年社员沟通交流会", "2026年6月12日", "苹果专业合作社会议室",
                "刘洋、陈静", "杨帆（外出务工）", "组织直播带货培训", "大家讨论了销售问题"],
    "recommendation": ["推荐优秀团员作为党的发展对象推荐表", "刘洋", "凤城街道苹果专业合作社团支部",
                       "2025年6月1日", "优秀", "团员大会表决记录", "无记名投票", "通过",
                       "团支部书记（签名）"],
    "roster": ["团员花名册", "凤城街道苹果专业合作社团支部", "刘洋", "赵敏", "**1234"],
}


@pytest.mark.parametrize("kind", sorted(PEOPLE_FACTS))
def test_members_documents(kind: str) -> None:
    doc = _people(kind)
    payload = pdf.render(doc)
    text = flat(pdf_text(payload))
    for fact in PEOPLE_FACTS[kind]:
        assert flat(fact) in text, (kind, fact)
    assert_gbt9704(pdf_layout(payload), KINDS[kind].official)
    save_png(payload, f"render-{kind}")
    if "docx" in KINDS[kind].formats:
        words = docx_text(docx.render(doc))
        for fact in PEOPLE_FACTS[kind]:
            assert flat(fact) in words, (kind, fact)


def test_the_roster_leaves_out_who_left_before_the_day() -> None:
    _, rows = people.roster_rows(FakeRpc(), "u1", dt.date(2026, 6, 30), None)
    assert [r[1] for r in rows] == ["刘洋", "陈静", "杨帆", "赵敏"]  # 孙磊 left on 2026-01-01
    _, rows = people.roster_rows(FakeRpc(), "u1", dt.date(2025, 6, 30), None)
    assert "孙磊" in [r[1] for r in rows]
    _, rows = people.roster_rows(FakeRpc(), "u1", dt.date(2020, 1, 15), None)
    assert [r[1] for r in rows] == ["刘洋"]
    assert all(r[5].startswith("*") for r in rows)
