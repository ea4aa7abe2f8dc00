"""Annual member evaluation (团员教育评议) and League registration (团籍注册), issue 12.

Per branch and year, every active League member of the branch gets one grade: excellent /
qualified / basically qualified / unqualified (优秀 / 合格 / 基本合格 / 不合格). At most
`max_excellent_percent` (default 30) of those graded are excellent. Only basically qualified
or better re-register for the year; the round is recorded once (a correction is a new
version of the round, `revise`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, RuleViolation

from . import values as v
from .tree_rules import BRANCH_KINDS

GRADES: tuple[str, ...] = ("excellent", "qualified", "basically_qualified", "unqualified")
GRADE_LABELS = {"excellent": "优秀", "qualified": "合格", "basically_qualified": "基本合格",
                "unqualified": "不合格"}
REGISTERING_GRADES = frozenset({"excellent", "qualified", "basically_qualified"})


def evaluation_id(unit_id: str, year: int) -> str:
    return f"{unit_id}-{year}"


def check_grades(grades: Mapping[str, str], members: Sequence[str],
                 max_excellent_percent: int) -> dict[str, str]:
    """The grades, checked: each of `members` (the branch's active League members) exactly
    once, known grades, excellent within the quota."""
    unknown = sorted(set(grades) - set(members))
    if unknown:
        raise InvalidInput.field("grades", f"not active League members of the branch: "
                                           f"{', '.join(unknown)}")
    missing = sorted(set(members) - set(grades))
    if missing:
        raise InvalidInput.field("grades", f"every member is graded; missing: "
                                           f"{', '.join(missing)}")
    out = {m: v.choice("grades.grade", g, GRADES) for m, g in grades.items()}
    excellent = sum(1 for g in out.values() if g == "excellent")
    if excellent * 100 > max_excellent_percent * len(out):
        raise RuleViolation(
            f"at most {max_excellent_percent}% excellent (优秀比例不超过{max_excellent_percent}%):"
            f" {excellent} of {len(out)}",
            {"rule": "excellent_quota", "excellent": excellent, "graded": len(out),
             "max_excellent_percent": max_excellent_percent})
    return out


def check_evaluating_unit(kind: str) -> None:
    """A branch (general, joint) evaluates its members, no other unit."""
    if kind not in BRANCH_KINDS:
        raise InvalidInput.field("unit_id", "a branch evaluates its members")


class Evaluation(Aggregate):
    stream_prefix = "evaluation"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.unit_id = ""
        self.year = 0
        self.grades: dict[str, str] = {}

    def record(self, unit_id: str, year: int, on: dt.date, grades: Mapping[str, str],
               members: Sequence[str], max_excellent_percent: int) -> None:
        if self.exists:
            raise RuleViolation("this branch's evaluation for the year is recorded",
                                {"rule": "evaluation_recorded", "year": year})
        if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= on.year:
            raise InvalidInput.field("year", "a past or the current year")
        checked = check_grades(grades, members, max_excellent_percent)
        self._record("MemberEvaluationRecorded", {
            "unit_id": v.text("unit_id", unit_id), "year": year,
            "on": v.day("on", on).isoformat(), "grades": checked,
            "registered_member_ids": sorted(m for m, g in checked.items()
                                            if g in REGISTERING_GRADES),
            "max_excellent_percent": max_excellent_percent})

    def _on_member_evaluation_recorded(self, data: dict[str, Any]) -> None:
        self.unit_id = data["unit_id"]
        self.year = data["year"]
        self.grades = dict(data["grades"])
