"""The tracked view of org (units, members, cooperatives) stays right whatever the broker does:
messages lost, duplicated and reordered end in the state of clean, in-order delivery."""

from __future__ import annotations

import datetime as dt
import random

from eventkit.tracking import Tracker
from services.activities.tracked import from_org
from tests.integration.activities.conftest import activities_schema
from tests.support.schemas import drop_schema

D = dt.date

UNIT_COLS = ("id, name, kind, parent_id, professional_committee_id, industry, township,"
             " created_on, dissolved_on, status, merged_into, org_position")
MEMBER_COLS = "id, name, kind, unit_id, status, status_since, org_position"


def snapshot(pool) -> dict:
    with pool.transaction() as cur:
        cur.execute(f"SELECT {UNIT_COLS} FROM known_units ORDER BY id")
        units = cur.fetchall()
        cur.execute(f"SELECT {MEMBER_COLS} FROM known_members ORDER BY id")
        members = cur.fetchall()
        cur.execute("SELECT id, uscc, name, township FROM known_cooperatives ORDER BY id")
        coops = cur.fetchall()
        cur.execute("SELECT id, committee_id, name, department_type, status, org_position"
                    " FROM known_member_units ORDER BY id")
        departments = cur.fetchall()
    return {"units": units, "members": members, "cooperatives": coops,
            "member_units": departments}


def busy_county(org) -> dict[str, str]:
    """A year of org changes touching every fact activities keeps."""
    committee = org.committee()
    agri = org.member_unit(committee, "agriculture")
    bank = org.member_unit(committee, "finance")
    wc = org.unit("working_committee", name="Laiwu working committee")
    fruit = org.unit("professional_committee", wc, industry="fruit")
    veg = org.unit("professional_committee", wc, industry="vegetables")
    b1 = org.unit("branch", fruit, on=D(2024, 2, 15), management="township",
                  township="Dazhuang", joint_mode="village_cooperative")
    b2 = org.unit("general_branch", fruit, on=D(2024, 3, 1))
    g1 = org.unit("league_group", b2, on=D(2024, 3, 2))
    b3 = org.unit("branch", veg, on=D(2024, 3, 5))
    m1, m2, m3 = org.member(b1), org.member(b2, kind="young_person", age=30), org.member(b3)
    org.rename(b1, "Dazhuang apple branch", D(2024, 4, 1))
    org.move(b2, veg, D(2024, 5, 1))  # b2 and its group g1 now under vegetables
    org.township(b3, "Gaozhuang", D(2024, 5, 2))
    org.transfer(m1, b3, D(2024, 6, 1))
    org.merge(b3, b1, D(2024, 7, 1))
    org.reassign(m1, b1, D(2024, 7, 1))
    org.reassign(m3, b1, D(2024, 7, 1))
    org.leave(m2, D(2024, 8, 1))
    b4 = org.unit("branch", wc, on=D(2024, 8, 10))
    org.dissolve(b4, D(2024, 9, 30))
    org.remove_member_unit(committee, bank)
    return {"committee": committee, "agri": agri, "bank": bank, "wc": wc, "fruit": fruit,
            "veg": veg, "b1": b1, "b2": b2, "g1": g1, "b3": b3,
            "b4": b4, "m1": m1, "m2": m2, "m3": m3}


def test_clean_delivery_gives_the_expected_facts(org, activities_db, tracker):
    _, pool = activities_db
    ids = busy_county(org)
    events = org.read_feed(0, 10_000)
    for env in events:
        tracker.handle(env)
    assert tracker.position() == len(events)
    with pool.transaction() as cur:
        cur.execute("SELECT id, name, professional_committee_id, township, created_on,"
                    " dissolved_on, status, merged_into FROM known_units")
        units = {r[0]: r[1:] for r in cur.fetchall()}
        cur.execute("SELECT id, unit_id, status, status_since, kind FROM known_members")
        members = {r[0]: r[1:] for r in cur.fetchall()}
        cur.execute("SELECT column_name FROM information_schema.columns"
                    " WHERE table_schema = current_schema() AND table_name = 'known_members'")
        member_columns = {r[0] for r in cur.fetchall()}
    assert units[ids["b1"]] == ("Dazhuang apple branch", ids["fruit"], "Dazhuang", D(2024, 2, 15),
                                None, "active", None)
    assert units[ids["b2"]][1] == ids["veg"]  # moved: its committee follows
    assert units[ids["g1"]][1] == ids["veg"]  # and so does the group below it
    assert units[ids["fruit"]][1] is None and units[ids["wc"]][1] is None
    assert units[ids["b3"]][2:] == ("Gaozhuang", D(2024, 3, 5), D(2024, 7, 1), "merged", ids["b1"])
    assert units[ids["b4"]][4:6] == (D(2024, 9, 30), "dissolved")
    assert members[ids["m1"]] == (ids["b1"], "active", None, "league_member")
    assert members[ids["m3"]][0] == ids["b1"]
    assert members[ids["m2"]] == (ids["b2"], "left", D(2024, 8, 1), "young_person")
    with pool.transaction() as cur:
        cur.execute("SELECT id, committee_id, status FROM known_member_units")
        departments = {r[0]: r[1:] for r in cur.fetchall()}
    assert departments == {ids["agri"]: (ids["committee"], "active"),
                           ids["bank"]: (ids["committee"], "removed")}
    # personal data never reaches activities
    assert not member_columns & {"resident_id", "phone", "birth_date"}


def test_lost_duplicated_reordered_messages_end_as_clean_delivery(org, activities_db, tracker,
                                                                  dsn):
    _, clean_pool = activities_db
    busy_county(org)
    events = org.read_feed(0, 10_000)
    for env in events:
        tracker.handle(env)
    expected = snapshot(clean_pool)
    assert len(expected["units"]) == 8 and len(expected["members"]) == 3

    for seed in range(4):
        schema, pool = activities_schema(dsn)
        try:
            rng = random.Random(seed)
            messages = [e for e in events if rng.random() > 0.35]  # lost
            messages += rng.sample(events, len(events) // 2)  # duplicated
            rng.shuffle(messages)  # reordered
            messy = Tracker(pool, "activities", "org", from_org, org.read_feed, batch=3)
            for env in messages:
                messy.handle(env)
            messy.catch_up()  # the timer's safety net
            assert snapshot(pool) == expected, f"seed {seed}"
            assert messy.position() == len(events)
            assert messy.stats["duplicates"] > 0
            # a redelivery of everything afterwards changes nothing
            for env in rng.sample(events, len(events)):
                messy.handle(env)
            assert snapshot(pool) == expected
        finally:
            pool.close()
            drop_schema(dsn, schema)


def test_handlers_never_let_an_older_event_overwrite_a_newer_fact(org, activities_db):
    """Beyond the Tracker's guarantee: applying an old event again (e.g. a tracking row reset
    by hand) keeps the newer facts."""
    _, pool = activities_db
    wc = org.unit("working_committee")
    b = org.unit("branch", wc, name="Old name")
    org.rename(b, "New name", D(2024, 4, 1))
    org.dissolve(b, D(2024, 5, 1))
    events = org.read_feed(0, 100)
    with pool.transaction() as cur:
        for env in events:
            from_org.apply(cur, env)
        for env in reversed(events):
            from_org.apply(cur, env)
        cur.execute("SELECT name, status, dissolved_on FROM known_units WHERE id = %s", (b,))
        assert cur.fetchone() == ("New name", "dissolved", D(2024, 5, 1))
