"""Rules that used to hide in SQL or the service layer, now in their domains (issue 11)."""

from __future__ import annotations

import datetime as dt

import pytest

from eventkit.errors import RuleViolation
from services.funding.domain.dues import ensure_pays_dues
from services.org.domain.member import age_out_candidates_born_by, aged_out_on


def test_only_league_members_pay_dues() -> None:
    ensure_pays_dues("league_member")
    with pytest.raises(RuleViolation) as err:
        ensure_pays_dues("young_person")
    assert err.value.details == {"kind": "young_person"}


@pytest.mark.parametrize("on", [dt.date(2024, 6, 1), dt.date(2028, 2, 29), dt.date(2027, 3, 1)])
def test_age_out_candidates_include_everyone_out_by_that_day(on: dt.date) -> None:
    cutoff = age_out_candidates_born_by(on)
    # whoever is out by `on` (their 28th birthday has come) is a candidate, the day after not
    assert aged_out_on(cutoff) <= on
    assert aged_out_on(cutoff + dt.timedelta(days=1)) > on
