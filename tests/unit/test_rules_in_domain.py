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


def test_org_uniqueness_rules_name_the_existing_id_never_the_number() -> None:
    from services.org.domain.uniqueness import (
        ensure_county_code_free,
        ensure_resident_id_free,
        normalized_resident_id,
    )

    assert normalized_resident_id(" 34112220000615013x ") == "34112220000615013X"
    ensure_resident_id_free(None)
    with pytest.raises(RuleViolation) as err:
        ensure_resident_id_free("m1")
    assert err.value.details == {"rule": "duplicate", "existing_id": "m1"}
    with pytest.raises(RuleViolation) as err:
        ensure_county_code_free("341122", "c1")
    assert err.value.details == {"county_code": "341122", "existing_id": "c1"}


def test_org_tree_rules_that_lived_in_the_service_layer() -> None:
    from eventkit.errors import InvalidInput
    from services.org.domain.evaluation import check_evaluating_unit
    from services.org.domain.tree_rules import (
        check_created_with_committee,
        check_dissolvable,
        check_same_committee,
    )

    check_same_committee("c1", "c1")
    for pair in (("c1", "c2"), (None, None)):
        with pytest.raises(RuleViolation):
            check_same_committee(*pair)
    with pytest.raises(RuleViolation):
        check_dissolvable("working_committee")
    check_dissolvable("branch")
    with pytest.raises(InvalidInput):
        check_created_with_committee("working_committee")
    with pytest.raises(InvalidInput):
        check_evaluating_unit("league_group")
    check_evaluating_unit("joint_branch")
