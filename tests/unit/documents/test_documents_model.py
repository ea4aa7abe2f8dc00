"""Templates, the document model and numbers: pure parts of gateway/documents."""

from __future__ import annotations

import datetime as dt

import pytest

from eventkit.errors import RuleViolation
from gateway.documents import numbering, sources, template
from gateway.documents.kinds import KINDS, compose
from gateway.documents.model import Document, chinese_date
from tests.unit.documents.sample import committee


class _NoRpc:
    pass


def test_the_template_language_makes_blocks() -> None:
    front, blocks = template.parse(
        "title: 标题\naddressee: 团县委\nattachment: 方案\nattachment: 名单\n---\n"
        "正文第一段\n续行\n\n# 一、标题\n\n## （一）小标题\n\n| a | b |\n| 1 | 2 |\n\n"
        "\\# 数据里的井号\n\\第二行\n\n> 右对齐\n")
    assert front["title"] == "标题" and front["attachments"] == ["方案", "名单"]
    assert [(b.kind, b.text) for b in blocks if b.kind != "table"] == [
        ("p", "正文第一段续行"), ("h1", "一、标题"), ("h2", "（一）小标题"),
        ("p", "# 数据里的井号"), ("p", "第二行"), ("right", "右对齐")]
    assert [b.rows for b in blocks if b.kind == "table"] == [[["a", "b"], ["1", "2"]]]


def test_data_never_becomes_markup() -> None:
    env = template.environment()
    out = env.from_string("{{ x|paras }}\n\n| {{ y|one }} |").render(x="# 不是标题\n第二段",
                                                                     y="a | b")
    _, blocks = template.parse("title: t\n---\n" + out)
    assert [(b.kind, b.text) for b in blocks][:2] == [("p", "# 不是标题"), ("p", "第二段")]
    assert blocks[2].rows == [["a ｜ b"]]


def test_an_unknown_front_matter_key_is_refused() -> None:
    with pytest.raises(ValueError):
        template.parse("colour: red\n---\nx")


def test_dates_in_arabic_numerals() -> None:
    assert chinese_date("2026-03-05") == "2026年3月5日"
    assert chinese_date(dt.date(2026, 11, 30)) == "2026年11月30日"


def test_number_format_per_issuer() -> None:
    assert numbering.format_number("county_league_committee", 2026, 3) == "莱团发〔2026〕3号"
    assert numbering.stream_of("working_committee", 2026) == "docnumber-working_committee-2026"


def test_a_draft_has_no_number_and_the_hash_covers_the_text() -> None:
    ctx = sources.committee_context(_NoRpc(), committee(), "approval", None)
    draft = compose(KINDS["approval"], ctx, day=dt.date(2026, 11, 30))
    issued = compose(KINDS["approval"], ctx, day=dt.date(2026, 11, 30), number="莱团发〔2026〕1号")
    assert draft.draft and draft.number is None and "草稿" in draft.text()
    assert not issued.draft and "莱团发〔2026〕1号" in issued.text()
    assert draft.digest() != issued.digest()
    assert Document.from_dict(issued.to_dict()).digest() == issued.digest()


def test_a_step_not_reached_names_it() -> None:
    with pytest.raises(RuleViolation) as err:
        sources.committee_context(_NoRpc(), committee(upto="plan_drafted"), "request", None)
    assert err.value.details["required_step"] == "establishment_requested"
    assert "报请团县委" in err.value.detail
