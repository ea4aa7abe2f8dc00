"""Issue 12 part 5: a commitment letter belongs to the appointment; letters missing or
unpublished past the notice period (policy letter_notice_days, default 30)."""

from __future__ import annotations

import datetime as dt

import pytest

from eventkit.errors import InvalidInput
from services.assessment.domain.letters_owed import LetterState, Post, letters_owed
from services.assessment.domain.policy import DEFAULT, policy_on, with_overrides

POSTS = [Post("C1", "sec", "张", "secretary", dt.date(2024, 3, 1)),
         Post("C1", "dep", "李", "deputy_secretary", dt.date(2024, 3, 1)),
         Post("C1", "new", "王", "committee_member", dt.date(2024, 3, 20)),
         Post("C1", "pub", "赵", "committee_member", dt.date(2024, 1, 1))]
LETTERS = {"dep": [LetterState("L1", 2024, "drafted")],
           "pub": [LetterState("L0", 2023, "published"), LetterState("L2", 2024, "in_progress")]}


def test_missing_and_unpublished_after_the_notice_period() -> None:
    owed = letters_owed(POSTS, LETTERS, dt.date(2024, 4, 10), DEFAULT.letter_notice_days)
    assert [(x["member_id"], x["state"], x["due_on"]) for x in owed] == [
        ("dep", "unpublished", "2024-03-31"), ("sec", "missing", "2024-03-31")]
    assert owed[0]["letter_id"] == "L1" and owed[1]["days_overdue"] == 10
    # 'new' is still within 30 days; 'pub' published the term's letter


def test_the_last_day_of_the_notice_is_not_late_and_an_old_letter_does_not_count() -> None:
    assert letters_owed(POSTS[:1], {}, dt.date(2024, 3, 31), 30) == []
    old = {"sec": [LetterState("L9", 2023, "published")]}  # a letter of an earlier term
    assert letters_owed(POSTS[:1], old, dt.date(2024, 4, 1), 30)[0]["state"] == "missing"


def test_the_notice_period_is_a_versioned_policy_number() -> None:
    assert DEFAULT.letter_notice_days == 30
    versions = with_overrides([{"version": "2025-1", "effective_from": "2025-01-01",
                                "letter_notice_days": 15}])
    assert policy_on(dt.date(2024, 12, 31), versions).letter_notice_days == 30
    assert policy_on(dt.date(2025, 1, 1), versions).letter_notice_days == 15
    with pytest.raises(InvalidInput):
        with_overrides([{"effective_from": "2026-01-01", "notice": 3}])
