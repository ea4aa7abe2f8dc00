from __future__ import annotations

import datetime as dt

import pytest

from eventkit.errors import InvalidInput, NotFound, RuleViolation
from services.funding.domain.venues import Venue

UTC = dt.UTC
CST = dt.timezone(dt.timedelta(hours=8))


def at(hour: int, tz: dt.tzinfo = UTC) -> dt.datetime:
    return dt.datetime(2024, 5, 4, hour, tzinfo=tz)


def venue() -> Venue:
    v = Venue("v1")
    v.register("Coop hall", "cooperative", "Green Tea Coop", 40, provider_id="coop-1")
    return v


def test_register_validates_and_only_once() -> None:
    v = Venue("v1")
    with pytest.raises(InvalidInput, match="provider_kind"):
        v.register("Hall", "church", "X", 10)
    with pytest.raises(InvalidInput, match="capacity"):
        v.register("Hall", "other_unit", "X", 0)
    with pytest.raises(NotFound):
        v.book("b", "a", at(9), at(10))
    v.register("Hall", "cadre_employer", "Agri bureau", 10)
    with pytest.raises(RuleViolation):
        v.register("Hall", "cadre_employer", "Agri bureau", 10)


def test_overlap_is_refused_naming_the_clashing_booking(check) -> None:
    v = venue()
    v.book("b1", "act-1", at(9), at(12))
    before = list(v.pending)
    # 18:00+08:00 is 10:00 UTC: inside b1
    with pytest.raises(RuleViolation, match="b1") as err:
        v.book("b2", "act-2", at(18, CST), at(20, CST))
    assert err.value.details["clashing_booking_id"] == "b1"
    assert err.value.details["clashing_activity_id"] == "act-1"
    assert v.pending == before
    v.book("b2", "act-2", at(12), at(13))  # back to back is fine
    v.book("b3", "act-3", at(7), at(9))
    assert [b["booking_id"] for b in v.active_bookings()] == ["b3", "b1", "b2"]
    check(v)


def test_cancelled_booking_frees_the_slot(check) -> None:
    v = venue()
    v.book("b1", "act-1", at(9), at(12))
    v.cancel_booking("b1", "rain")
    v.book("b2", "act-2", at(10), at(11))
    with pytest.raises(RuleViolation, match="already cancelled"):
        v.cancel_booking("b1")
    with pytest.raises(NotFound):
        v.cancel_booking("nope")
    with pytest.raises(RuleViolation, match="already exists"):
        v.book("b1", "act-1", at(20), at(21))
    check(v)


def test_times_must_be_aware_and_ordered_and_fit_capacity(check) -> None:
    v = venue()
    with pytest.raises(InvalidInput, match="starts_at"):
        v.book("b", "a", dt.datetime(2024, 5, 4, 9), at(10))
    with pytest.raises(InvalidInput, match="ends_at"):
        v.book("b", "a", at(10), at(10))
    with pytest.raises(RuleViolation, match="capacity"):
        v.book("b", "a", at(9), at(10), expected_attendance=41)
    v.change_capacity(60)
    v.book("b", "a", at(9, CST), at(10, CST), expected_attendance=41)
    assert v.bookings["b"]["starts_at"] == "2024-05-04T01:00:00+00:00"
    check(v)
