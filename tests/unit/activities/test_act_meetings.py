from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from eventkit.errors import InvalidInput, RuleViolation
from services.activities.contract.enums import MEETING_TYPES
from services.activities.domain.meetings import Absence, Meeting, may_hold
from services.activities.domain.units import UnitInfo

BR = UnitInfo("br", "branch", "Branch", date(2023, 6, 1), dissolved_on=date(2024, 6, 30))
WC = UnitInfo("wc", "working_committee", "WC", date(2020, 1, 1))
TODAY = date(2024, 3, 1)


def record(meeting=None, **kw):
    meeting = meeting or Meeting("m1")
    args = dict(meeting_type="branch_monthly_youth_exchange", unit=BR, held=date(2024, 2, 20),
                attendee_member_ids=["a", "b"], absentees={"c": "harvest"},
                topics=["pear prices"], resolutions=["share a truck"], minutes="notes",
                today=TODAY)
    args.update(kw)
    meeting.record(**args)
    return meeting


def test_meeting_types_are_the_eight_ids():
    assert set(MEETING_TYPES) == {
        "working_committee_regular", "pro_committee_quarterly_suggestion",
        "pro_committee_monthly_industry_info", "branch_monthly_youth_exchange",
        "training_new_tech_class", "branch_assembly", "branch_committee", "league_lecture"}


def test_record_meeting_event_and_state():
    meeting = record()
    data = meeting.pending[0].data
    assert meeting.pending[0].type == "MeetingRecorded"
    assert data["held_on"] == "2024-02-20" and data["held_at"] is None
    assert data["absentees"] == [{"member_id": "c", "reason": "harvest"}]
    assert meeting.absentees == [Absence("c", "harvest")]
    assert meeting.facts().unit_id == "br"


def test_record_with_aware_time_stores_local_date_and_time():
    meeting = record(held=datetime(2024, 2, 20, 16, 30, tzinfo=UTC))
    assert meeting.pending[0].data["held_on"] == "2024-02-21"
    assert meeting.pending[0].data["held_at"] == "2024-02-21T00:30:00+08:00"


def test_naive_time_refused():
    with pytest.raises(InvalidInput):
        record(held=datetime(2024, 2, 20, 10, 0))


@pytest.mark.parametrize(
    "kw, field",
    [
        ({"meeting_type": "tea_party"}, "meeting_type"),
        ({"meeting_type": "working_committee_regular"}, "meeting_type"),
        ({"held": date(2024, 3, 2)}, "held"),
        ({"attendee_member_ids": []}, "attendee_member_ids"),
        ({"absentees": {"a": "sick"}}, "absentees"),
        ({"absentees": [Absence("c", " ")]}, "absentees.reason"),
    ],
)
def test_record_refuses_bad_input(kw, field):
    with pytest.raises(InvalidInput) as err:
        record(**kw)
    assert field in err.value.details["errors"]


def test_unknown_members_listed_when_known_set_given():
    with pytest.raises(InvalidInput) as err:
        record(known_member_ids={"a"})
    assert err.value.details["unknown_member_ids"] == ["b", "c"]


def test_meeting_outside_unit_lifetime_refused():
    with pytest.raises(RuleViolation) as err:
        record(held=date(2023, 5, 31))
    assert err.value.details["created_on"] == "2023-06-01"
    with pytest.raises(RuleViolation):
        record(held=date(2024, 7, 1), today=date(2024, 8, 1))
    record(held=date(2024, 6, 30), today=date(2024, 8, 1))  # dissolution day still counts


def test_holder_rules():
    assert may_hold("league_lecture", "league_group")
    assert may_hold("training_new_tech_class", "professional_committee")
    assert not may_hold("branch_assembly", "working_committee")
    assert may_hold("branch_assembly", "joint_branch")
    record(Meeting("m2"), meeting_type="working_committee_regular", unit=WC, absentees={})


def test_amend_and_retract():
    meeting = record()
    meeting.amend_minutes(minutes="fuller notes", resolutions=["a", "b"])
    assert meeting.minutes == "fuller notes" and meeting.resolutions == ["a", "b"]
    meeting.retract(reason="entered for the wrong branch")
    assert meeting.facts() is None
    with pytest.raises(RuleViolation):
        meeting.amend_minutes(minutes="x")
    with pytest.raises(RuleViolation):
        record(meeting)


def test_uses_local_offset_regardless_of_input_zone():
    ny = timezone(timedelta(hours=-5))
    meeting = record(held=datetime(2024, 2, 20, 11, 0, tzinfo=ny))  # 16:00Z = 00:00 local 21st
    assert meeting.held_on == date(2024, 2, 21)


# -- issue 12: the working committee's people and their roles ---------------------------


def test_attendance_keeps_each_attendee_with_their_role():
    meeting = record(meeting_type="working_committee_regular", unit=WC,
                     attendee_member_ids=["sec", "gov", "head", "a"], absentees={},
                     known_member_ids={"sec", "gov", "head", "a"},
                     attendee_roles={"sec": "secretary", "gov": "committee_member",
                                     "head": "league_organization_head"})
    assert meeting.pending[0].data["attendance"] == [
        {"member_id": "sec", "role": "secretary"},
        {"member_id": "gov", "role": "committee_member"},
        {"member_id": "head", "role": "league_organization_head"},
        {"member_id": "a", "role": "member"}]
    assert meeting.facts().chaired and meeting.facts().counts_for_duty()


def test_regular_meeting_without_secretary_or_deputy_does_not_count():
    meeting = record(meeting_type="working_committee_regular", unit=WC,
                     attendee_member_ids=["gov", "a"], absentees={},
                     attendee_roles={"gov": "committee_member"})
    facts = meeting.facts()
    assert not facts.chaired and not facts.counts_for_duty()
    branch = record(attendee_member_ids=["a"], absentees={})  # other meetings: no such rule
    assert branch.facts().counts_for_duty()


def test_deputy_secretary_chairs_too_and_unknown_roles_are_refused():
    meeting = record(meeting_type="working_committee_regular", unit=WC,
                     attendee_member_ids=["dep"], absentees={},
                     attendee_roles={"dep": "deputy_secretary"})
    assert meeting.facts().counts_for_duty()
    with pytest.raises(InvalidInput):
        record(attendee_roles={"a": "king"})


def test_meeting_recorded_v1_upcasts_every_attendee_to_member():
    from services.activities.contract.events import registry

    version, data = registry.upcast("MeetingRecorded", 1, {"attendee_member_ids": ["a", "b"]})
    assert version == 2
    assert data["attendance"] == [{"member_id": "a", "role": "member"},
                                  {"member_id": "b", "role": "member"}]
