"""Printable result letter: content and escaping."""

from __future__ import annotations

import datetime as dt

from services.assessment.domain.grading import ScoreSheet, Thresholds, Weights, grade_members
from services.assessment.letters import render_result_letter


def result(**overrides: object) -> dict[str, object]:
    data = grade_members(
        {"M1": ScoreSheet(self_score=95, peer={"M2": 95}, unit={"U": 95})},
        Weights(), Thresholds(),
    )[0].to_data()
    return data | overrides


def test_letter_shows_grade_score_and_missing_component() -> None:
    html = render_result_letter(
        result=result(), member_name="Zhang San", committee_name="Working committee",
        unit_name="Township League", year=2024, issued_on=dt.date(2025, 1, 5),
        evidence={"meetings_due": 12, "meetings_held": 10, "funds_raised_fen": 123456},
    )
    assert html.startswith("<!DOCTYPE html>")
    assert "最终得分：<strong>95.00</strong>" in html
    assert "考核等次：<strong>称职</strong>" in html  # 1 member -> quota 0 -> capped
    assert "因优秀等次比例限制" in html
    assert "以下项目无评分：群众评议" in html
    assert "10 / 12" in html
    assert "1,234.56" in html
    assert "2025年1月5日" in html
    assert "关于Zhang San同志2024年度考核结果的通知" in html and "Township League：" in html


def test_letter_escapes_all_user_text() -> None:
    html = render_result_letter(
        result=result(flags=["<img src=x onerror=alert(1)>"]),
        member_name="<script>alert('x')</script>", committee_name="A & B",
        unit_name='"><b>unit', year=2024, issued_on=dt.date(2025, 1, 5),
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "A &amp; B" in html
    assert '"><b>' not in html
    assert "<img" not in html


def test_letter_for_member_not_assessed() -> None:
    html = render_result_letter(
        result=result(final=None, grade=None, capped_by_quota=False, missing=[]),
        member_name="Li", committee_name="C", unit_name="U", year=2024,
        issued_on=dt.date(2025, 1, 5),
    )
    assert "考核等次：<strong>未评定</strong>" in html
