from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from org_testkit import check_events

from eventkit.errors import InvalidInput, NotFound, RuleViolation
from eventkit.identifiers import make_resident_id
from services.org.domain.member import Member, age_problem, aged_out_on

BORN = dt.date(2000, 6, 15)
TODAY = dt.date(2024, 6, 1)


def rid(born: dt.date = BORN, male: bool = True) -> str:
    return make_resident_id("341122", born, "013" if male else "024")


def member(born: dt.date = BORN, today: dt.date = TODAY, **kw: Any) -> Member:
    args: dict[str, Any] = {
        "kind": "league_member",
        "name": "Li Ming",
        "ethnicity": "Han",
        "resident_id": rid(born),
        "unit_id": "b1",
        "join_date": min(today, dt.date(2016, 5, 4)),
        "registered_on": today,
        "phone": "13800001234",
        "cooperative_id": "k1",
    }
    args.update(kw)
    m = Member("m1")
    m.register(**args)
    return m


def test_register_derives_birth_date_and_sex_and_replays() -> None:
    m = member(sex="male", birth_date=BORN, education="college", occupation="grower")
    assert (m.birth_date, m.sex, m.status, m.unit_id) == (BORN, "male", "active", "b1")
    f = member(resident_id=rid(male=False))
    assert f.sex == "female"
    assert check_events(m) == ["MemberRegistered"]


def test_resident_id_is_checked_and_must_agree_with_given_facts() -> None:
    good = rid()
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(InvalidInput) as err:
        member(resident_id=bad_check)
    assert "resident_id" in err.value.details["errors"]
    with pytest.raises(InvalidInput):
        member(resident_id=good[:17])
    with pytest.raises(InvalidInput) as err:
        member(birth_date=BORN + dt.timedelta(days=1))
    assert "birth_date" in err.value.details["errors"]
    with pytest.raises(InvalidInput) as err:
        member(sex="female")
    assert "sex" in err.value.details["errors"]
    assert member(resident_id=good.lower()).resident_id == good


@pytest.mark.parametrize("phone", ["1380000123", "23800001234", "abc"])
def test_phone_must_look_like_a_phone_number(phone: str) -> None:
    with pytest.raises(InvalidInput):
        member(phone=phone)


def test_join_date_must_be_sensible() -> None:
    with pytest.raises(InvalidInput):
        member(join_date=TODAY + dt.timedelta(days=1))
    with pytest.raises(InvalidInput):  # joined the League at 13
        member(join_date=dt.date(2014, 6, 14))
    assert member(join_date=dt.date(2014, 6, 15)).join_date == dt.date(2014, 6, 15)


@pytest.mark.parametrize(
    ("kind", "today", "ok"),
    [
        ("league_member", dt.date(2014, 6, 14), False),  # the day before the 14th birthday
        ("league_member", dt.date(2014, 6, 15), True),  # the 14th birthday
        ("league_member", dt.date(2028, 6, 14), True),  # the day before the 28th birthday
        ("league_member", dt.date(2028, 6, 15), False),  # issue 12: not at 28
        ("league_member", dt.date(2028, 6, 30), False),  # 28 and 15 days: not active
        ("young_person", dt.date(2014, 6, 14), False),
        ("young_person", dt.date(2014, 6, 15), True),
        ("young_person", dt.date(2036, 6, 14), True),  # still 35
        ("young_person", dt.date(2036, 6, 15), False),  # 36
    ],
)
def test_age_limits_on_the_registration_date(kind: str, today: dt.date, ok: bool) -> None:
    def make() -> Member:
        return member(kind=kind, today=today, join_date=today)

    if ok:
        assert make().kind == kind
    else:
        with pytest.raises(InvalidInput) as err:
            make()
        assert "birth_date" in err.value.details["errors"]


def test_born_on_29_february_turns_14_on_1_march_in_a_common_year() -> None:
    leap = dt.date(2008, 2, 29)
    assert age_problem("league_member", leap, dt.date(2022, 2, 28)) is not None
    assert age_problem("league_member", leap, dt.date(2022, 3, 1)) is None
    assert member(born=leap, today=dt.date(2022, 3, 1), join_date=dt.date(2022, 3, 1)).exists


def test_aged_out_on_is_the_28th_birthday() -> None:
    assert aged_out_on(BORN) == dt.date(2028, 6, 15)
    assert aged_out_on(dt.date(1972, 2, 29)) == dt.date(2000, 2, 29)  # 2000 is a leap year
    assert aged_out_on(dt.date(2072, 2, 29)) == dt.date(2100, 3, 1)  # 2100 is not


def test_age_out_without_a_post_is_dated_on_the_birthday() -> None:
    m = member()
    birthday = dt.date(2028, 6, 15)
    assert m.age_out(birthday - dt.timedelta(days=1)) is False
    assert m.pending[-1].type == "MemberRegistered"
    assert m.age_out(birthday + dt.timedelta(days=3)) is True  # the timer ran late
    assert m.pending[-1].data == {"on": "2028-06-15", "unit_id": "b1"}
    assert (m.status, m.status_since) == ("aged_out", birthday)
    assert m.age_out(birthday + dt.timedelta(days=4)) is False  # once only
    with pytest.raises(RuleViolation):
        m.request_transfer("t", "b2", birthday + dt.timedelta(days=4))
    assert check_events(m) == ["MemberRegistered", "MemberAgedOut"]


def test_age_out_on_the_birthday_itself() -> None:
    m = member()
    assert m.age_out(dt.date(2028, 6, 15)) is True


def test_a_member_holding_a_post_stays_until_the_post_ends() -> None:
    m = member()
    m.assign_role("r1", "branch_secretary", "b1", dt.date(2025, 1, 1))
    assert m.age_out(dt.date(2029, 1, 1)) is False
    assert m.status == "active"
    m.end_role("r1", dt.date(2029, 3, 1))
    assert m.age_out(dt.date(2029, 2, 28)) is False  # the post is still held
    assert m.age_out(dt.date(2029, 3, 2)) is True
    assert m.pending[-1].data == {"on": "2029-03-01", "unit_id": "b1"}  # dated when the post ended
    assert check_events(m)[-1] == "MemberAgedOut"


def test_a_post_that_ended_before_the_birthday_does_not_delay_the_exit() -> None:
    m = member()
    m.assign_role("r1", "group_leader", "b1", dt.date(2025, 1, 1), dt.date(2026, 1, 1))
    assert m.age_out(dt.date(2028, 7, 1)) is True
    assert m.pending[-1].data == {"on": "2028-06-15", "unit_id": "b1"}


def test_a_member_aged_28_is_not_registered_and_one_aged_27_leaves_on_the_birthday() -> None:
    with pytest.raises(InvalidInput):
        member(today=dt.date(2028, 7, 1), join_date=dt.date(2016, 5, 4))  # aged 28
    m = member(today=dt.date(2028, 6, 1), join_date=dt.date(2016, 5, 4))  # aged 27
    assert m.age_out(dt.date(2028, 6, 14)) is False
    assert m.age_out(dt.date(2028, 7, 2)) is True
    assert m.pending[-1].data == {"on": "2028-06-15", "unit_id": "b1"}


def test_young_people_do_not_age_out_of_the_league() -> None:
    m = member(kind="young_person", join_date=TODAY)
    assert m.age_out(dt.date(2035, 1, 1)) is False
    assert m.status == "active"


def test_transfer_keeps_the_member_in_the_sending_unit_until_approved() -> None:
    m = member()
    m.assign_role("r1", "group_leader", "b1", dt.date(2024, 1, 1))
    m.assign_role("r2", "committee_member", "wc", dt.date(2024, 1, 1))
    with pytest.raises(InvalidInput):
        m.request_transfer("t0", "b1", TODAY)
    m.request_transfer("t1", "b2", TODAY)
    assert m.unit_id == "b1"
    assert m.pending_transfer is not None and m.pending_transfer["to_unit_id"] == "b2"
    with pytest.raises(RuleViolation):
        m.request_transfer("t2", "b3", TODAY)
    with pytest.raises(RuleViolation):
        m.approve_transfer("t2", TODAY)
    with pytest.raises(InvalidInput):
        m.approve_transfer("t1", TODAY - dt.timedelta(days=1))
    m.approve_transfer("t1", dt.date(2024, 6, 10))
    assert m.unit_id == "b2" and m.pending_transfer is None
    assert m.roles["r1"]["end"] == "2024-06-10"  # the post in the sending unit ended
    assert m.roles["r2"]["end"] is None  # the post elsewhere did not
    assert m.pending[-1].data["ended_role_ids"] == ["r1"]
    assert check_events(m)[-2:] == ["TransferRequested", "TransferApproved"]


def test_a_rejected_transfer_leaves_the_member_where_they_were() -> None:
    m = member()
    m.request_transfer("t1", "b2", TODAY)
    with pytest.raises(InvalidInput):
        m.reject_transfer("t1", TODAY, "")
    m.reject_transfer("t1", TODAY, "no room")
    assert m.unit_id == "b1" and m.pending_transfer is None
    m.request_transfer("t2", "b3", TODAY)  # a new request is possible
    assert check_events(m)[-2:] == ["TransferRejected", "TransferRequested"]


def test_reassign_after_a_merge() -> None:
    m = member()
    m.request_transfer("t1", "b3", TODAY)
    m.reassign("b2", TODAY, "branch b1 merged into b2")
    assert m.unit_id == "b2"
    assert m.pending_transfer is not None and m.pending_transfer["from_unit_id"] == "b2"
    check_events(m)


def test_roles_have_valid_periods_and_no_duplicates() -> None:
    m = member()
    with pytest.raises(InvalidInput):
        m.assign_role("r1", "chairman", "b1", TODAY)
    with pytest.raises(InvalidInput):
        m.assign_role("r1", "group_leader", "b1", TODAY, TODAY)
    m.assign_role("r1", "group_leader", "b1", TODAY)
    with pytest.raises(RuleViolation):
        m.assign_role("r2", "group_leader", "b1", TODAY)
    with pytest.raises(RuleViolation):
        m.assign_role("r1", "deputy_secretary", "b1", TODAY)
    with pytest.raises(InvalidInput):
        m.end_role("r1", TODAY)
    with pytest.raises(InvalidInput):
        m.end_role("nope", TODAY)
    m.end_role("r1", TODAY + dt.timedelta(days=30))
    with pytest.raises(RuleViolation):
        m.end_role("r1", TODAY + dt.timedelta(days=60))
    assert m.open_roles(TODAY + dt.timedelta(days=29)) and not m.open_roles(
        TODAY + dt.timedelta(days=30)
    )
    assert check_events(m) == ["MemberRegistered", "RoleAssigned", "RoleEnded"]


def test_leave_ends_open_posts() -> None:
    m = member()
    m.assign_role("r1", "deputy_secretary", "b1", dt.date(2024, 1, 1))
    m.leave(TODAY, "moved away")
    assert (m.status, m.roles["r1"]["end"]) == ("left", TODAY.isoformat())
    with pytest.raises(RuleViolation):
        m.leave(TODAY, "again")
    assert m.age_out(dt.date(2030, 1, 1)) is False
    assert check_events(m)[-1] == "MemberLeft"


def test_commands_on_a_missing_member_are_not_found() -> None:
    with pytest.raises(NotFound):
        Member("nope").age_out(TODAY)


def test_registering_twice_is_refused() -> None:
    m = member()
    with pytest.raises(RuleViolation):
        m.register(
            kind="league_member",
            name="x",
            ethnicity="Han",
            resident_id=rid(),
            unit_id="b1",
            join_date=TODAY,
            registered_on=TODAY,
        )


# ---- issue 12: 自行脱团 ---------------------------------------------------------------------


def test_self_lapse_grounds_count_six_months_from_the_last_dues_and_organizational_life() -> None:
    from services.org.domain.member import self_lapse_grounds

    reg = dt.date(2023, 1, 10)
    assert self_lapse_grounds(reg, "2024-03", dt.date(2024, 5, 1), dt.date(2024, 9, 30)) == []
    assert self_lapse_grounds(reg, "2024-03", dt.date(2024, 5, 1), dt.date(2024, 10, 1)) == \
        ["dues"]
    assert self_lapse_grounds(reg, None, None, dt.date(2023, 7, 10)) == \
        ["dues", "organizational_life"]
    assert self_lapse_grounds(reg, None, None, dt.date(2023, 7, 9)) == []  # from joining


def test_the_branch_decides_and_a_lapsed_member_leaves_the_counts() -> None:
    m = member()
    later = dt.date(2025, 1, 15)
    assert m.start_self_lapse(later, "2024-12", None, 6) is True
    assert m.self_lapse is not None and m.self_lapse["grounds"] == ["organizational_life"]
    assert m.start_self_lapse(later, None, None, 6) is False  # one procedure at a time
    with pytest.raises(InvalidInput):
        m.decide_self_lapse("maybe", later)
    m.decide_self_lapse("good_reason", later, "在外务工，已补交团费")
    assert m.self_lapse is None and m.status == "active"
    assert m.start_self_lapse(dt.date(2025, 2, 1), "2024-12", None, 6) is True
    m.decide_self_lapse("lapsed", dt.date(2025, 2, 20))
    assert m.status == "left"
    assert check_events(m)[-3:] == ["SelfLapseProcedureStarted", "SelfLapseDecided",
                                    "MemberLeft"]
    with pytest.raises(RuleViolation):
        member().decide_self_lapse("lapsed", later)  # no procedure open
    assert member(kind="young_person").start_self_lapse(later, None, None, 6) is False
