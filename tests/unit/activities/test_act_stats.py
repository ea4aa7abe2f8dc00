from datetime import date, datetime, timedelta, timezone

from services.activities.domain.activity import ActivityFacts
from services.activities.domain.stats import activity_stats

CST = timezone(timedelta(hours=8))
T = datetime(2024, 1, 1, tzinfo=CST)


def fact(aid, status, kind, units, held_on, attendees, co=()):
    return ActivityFacts(aid, status, kind, "t", tuple(units), tuple(co), T, T + timedelta(hours=1),
                         held_on=held_on, attendee_member_ids=tuple(attendees))


FACTS = [
    fact("a", "held", "skills_training", ["u1"], date(2024, 1, 31), ["m1", "m2"], co=["u2"]),
    fact("b", "held", "skills_training", ["u1"], date(2024, 2, 1), ["m1", "m3"]),
    fact("c", "held", "charity", ["u2"], date(2024, 2, 10), ["m4"]),
    fact("d", "planned", "charity", ["u2"], None, []),
    fact("e", "cancelled", "charity", ["u2"], None, []),
]


def test_totals_count_participants_and_unique_people():
    stats = activity_stats(FACTS)
    assert stats.totals.to_dict() == {"held": 3, "participants": 5, "reached": 4}


def test_by_unit_kind_and_month():
    stats = activity_stats(FACTS)
    table = stats.to_dict()
    assert table["by_unit"]["u1"] == {"held": 2, "participants": 4, "reached": 3}
    assert table["by_unit"]["u2"] == {"held": 2, "participants": 3, "reached": 3}
    assert table["by_kind"]["charity"] == {"held": 1, "participants": 1, "reached": 1}
    assert table["by_month"] == {
        "2024-01": {"held": 1, "participants": 2, "reached": 2},
        "2024-02": {"held": 2, "participants": 3, "reached": 3},
    }


def test_organizers_only_and_young_filter():
    stats = activity_stats(FACTS, include_co_organizers=False, young_member_ids={"m1", "m4"})
    assert stats.by_unit["u2"].held == 1
    assert stats.totals.reached == 2
    assert stats.totals.participants == 5


def test_empty():
    assert activity_stats([]).to_dict()["totals"] == {"held": 0, "participants": 0, "reached": 0}


def test_by_line_of_work_groups_the_kinds_as_the_seed_does():
    facts = FACTS + [fact("f", "held", "theme_league_day", ["u1"], date(2024, 3, 1), ["m5"]),
                     fact("g", "held", "other", ["u1"], date(2024, 3, 2), [])]
    table = activity_stats(facts).to_dict()
    assert table["by_line"] == {
        "entrepreneurship": {"held": 2, "participants": 4, "reached": 3},
        "culture_public_welfare": {"held": 1, "participants": 1, "reached": 1},
        "ideological_guidance": {"held": 1, "participants": 1, "reached": 1},
        "other": {"held": 1, "participants": 0, "reached": 0},
    }


def test_every_kind_but_other_has_exactly_one_line():
    from services.activities.contract.enums import ACTIVITY_KINDS, LINES_OF_WORK

    placed = [k for kinds in LINES_OF_WORK.values() for k in kinds]
    assert sorted(placed) == sorted(k for k in ACTIVITY_KINDS if k != "other")
