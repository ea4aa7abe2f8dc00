"""Issue 12: the annual member evaluation and League registration (pure)."""

from __future__ import annotations

import datetime as dt

import pytest
from org_testkit import check_events

from eventkit.errors import InvalidInput, RuleViolation
from services.org.domain.evaluation import Evaluation, check_grades

MEMBERS = [f"m{i}" for i in range(10)]
ON = dt.date(2025, 12, 20)


def grades(excellent: int, unqualified: int = 0) -> dict[str, str]:
    out = {}
    for i, m in enumerate(MEMBERS):
        out[m] = ("excellent" if i < excellent else
                  "unqualified" if i >= len(MEMBERS) - unqualified else "qualified")
    return out


def test_at_most_thirty_percent_excellent() -> None:
    assert sum(g == "excellent" for g in check_grades(grades(3), MEMBERS, 30).values()) == 3
    with pytest.raises(RuleViolation) as err:
        check_grades(grades(4), MEMBERS, 30)
    assert err.value.details["rule"] == "excellent_quota"


def test_every_member_once_and_only_members() -> None:
    partial = grades(1)
    del partial["m9"]
    with pytest.raises(InvalidInput):
        check_grades(partial, MEMBERS, 30)
    with pytest.raises(InvalidInput):
        check_grades({**grades(1), "stranger": "qualified"}, MEMBERS, 30)
    with pytest.raises(InvalidInput):
        check_grades({**grades(1), "m0": "superb"}, MEMBERS, 30)


def test_only_basically_qualified_or_better_register_and_a_round_is_recorded_once() -> None:
    g = grades(2, unqualified=1)
    g["m5"] = "basically_qualified"
    e = Evaluation("b1-2025")
    e.record("b1", 2025, ON, g, MEMBERS, 30)
    data = e.pending[-1].data
    assert "m9" not in data["registered_member_ids"] and "m5" in data["registered_member_ids"]
    assert len(data["registered_member_ids"]) == 9
    with pytest.raises(RuleViolation):
        e.record("b1", 2025, ON, g, MEMBERS, 30)
    with pytest.raises(InvalidInput):
        Evaluation("b1-2030").record("b1", 2030, ON, g, MEMBERS, 30)  # a future year
    assert check_events(e) == ["MemberEvaluationRecorded"]
