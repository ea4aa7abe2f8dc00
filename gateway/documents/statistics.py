"""年度统计表: a year's figures from the services' dashboard summaries (gateway.views).

Every section the caller may read: the tree (units by kind), coverage, members, meeting
compliance (December, or the current month of the current year), activities, funds, credit,
commitments and assessment. Each leaf of a section is one row: 类别, 指标, 数值; a code the
vocabulary knows gets its Chinese label. A section a service did not answer is named as
missing (not zero).
"""

from __future__ import annotations

from typing import Any

from gateway import views, vocabulary
from gateway.documents.kinds import zh

SECTIONS = ("tree", "coverage", "members", "meetings_compliance", "activities", "funds",
            "credit", "assessment")
COLUMNS = ("类别", "指标", "数值")
# indicator names (leaf keys of the dashboard summaries) in Chinese
WORDS = {
    "units_by_kind": "团组织数", "dissolved": "已撤销团组织", "cooperatives": "合作组织",
    "with_league_org": "已建团合作组织", "without_league_org": "未建团合作组织",
    "rate": "覆盖率", "total": "合计", "by_status": "按状态", "by_kind": "按类别",
    "league_members": "团员", "young_people": "青年", "period": "期间", "due": "应开",
    "held": "已开", "overdue": "逾期未开展", "year": "年度", "planned": "计划",
    "cancelled": "取消", "participants": "参加人次", "income_fen": "收入（分）",
    "expense_fen": "支出（分）", "balance_fen": "结余（分）", "granted_fen": "授信（分）",
    "disbursed_fen": "放款（分）", "repaid_fen": "还款（分）", "overdue_fen": "逾期（分）",
    "letters_by_status": "承诺书", "rounds": "考核轮次", "graded_members": "已评定人数",
    "excellent": "优秀", "recommendations_by_outcome": "推优",
}
ENUMS = ("unit_kinds", "member_kinds", "member_statuses", "letter_statuses",
         "recommendation_outcomes", "recommendation_statuses", "income_sources", "guarantees")


def _word(key: str) -> str:
    if key in WORDS:
        return WORDS[key]
    for enum in ENUMS:
        if key in vocabulary.VOCABULARIES.get(enum, {}):
            return zh(enum, key)
    return key


def _leaves(prefix: list[str], value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        out: list[tuple[str, Any]] = []
        for key, item in value.items():
            out += _leaves([*prefix, _word(str(key))], item)
        return out
    if isinstance(value, list):
        return [("·".join(prefix), "、".join(str(v) for v in value))]
    return [("·".join(prefix), value)]


def rows(rpc: Any, pool: Any, principal: Any, scope: list[str] | None, year: int,
         month: int) -> tuple[list[list[Any]], list[str]]:
    """(rows of 类别, 指标, 数值; the sections missing or withheld, in Chinese)."""
    answer = views.combined(rpc, pool, principal, scope, SECTIONS, year, month)
    out: list[list[Any]] = []
    for section in SECTIONS:
        data = answer["sections"].get(section)
        if data is None:
            continue
        label = zh("dashboard_sections", section)
        for name, value in _leaves([], data):
            out.append([label, name or label, "" if value is None else value])
    gaps = [f"{zh('dashboard_sections', s)}（未答复）" for part in answer["missing"]
            for s in part["sections"]]
    gaps += [f"{zh('dashboard_sections', s)}（无权查看）" for s in answer["withheld"]]
    return out, gaps
