"""Retention per kind (issue 15): when a former member's data fall due for erasure."""

from __future__ import annotations

import datetime as dt

import pytest

from eventkit.errors import InvalidInput
from services.org.domain.person import PersonRecord, erasure_due_on, parse_retention


def test_retention_configuration():
    assert parse_retention(None) == {"left": 5, "aged_out": 5}
    assert parse_retention("left=3, aged_out=10") == {"left": 3, "aged_out": 10}
    with pytest.raises(ValueError):
        parse_retention("left=-1")


def test_due_after_the_years_of_the_kind_only():
    retention = {"left": 3}
    assert erasure_due_on("left", dt.date(2020, 6, 1), retention) == dt.date(2023, 6, 1)
    assert erasure_due_on("left", dt.date(2020, 2, 29), retention) == dt.date(2023, 2, 28)
    assert erasure_due_on("aged_out", dt.date(2000, 1, 1), retention) is None
    assert erasure_due_on("active", dt.date(2000, 1, 1), retention) is None


def test_an_erasure_is_recorded_once_and_needs_a_reason():
    person = PersonRecord("p1")
    with pytest.raises(InvalidInput):
        person.erase("  ", "2026-11-30", "request")
    assert person.erase("本人申请", "2026-11-30", "request") is True
    assert person.pending[0].type == "PersonErased"
    assert person.pending[0].data == {"person_id": "p1", "reason": "本人申请",
                                      "on": "2026-11-30", "basis": "request"}
    person.replay("PersonErased", person.pending[0].data)
    assert person.erase("again", "2026-12-01", "retention") is False
