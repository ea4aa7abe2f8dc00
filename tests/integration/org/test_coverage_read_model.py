"""Issue 16: the cooperatives' coverage read model (services/org/coverage.py) answers what the
old per-page queries answered (tests/support/coverage_oracle.py), after every kind of event
that can change it, under concurrent commands, after a rebuild and after migration 009's
backfill."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import uuid
from pathlib import Path

import pytest

from eventkit import db
from eventkit.identifiers import make_resident_id
from eventkit.rebuild import rebuild, table_digest
from services.org import queries as q
from services.org.projections import projector
from tests.integration.org.county import County
from tests.support.coverage_oracle import old_answers, old_has_league_org_ids

FLOOR = q.POLICY.branch_min_league_members
MIGRATION = (Path(__file__).resolve().parents[3] / "services" / "org" / "migrations"
             / "009_issue16_cooperative_coverage.sql")


def agree(county: County) -> dict[str, tuple[list[str], bool]]:
    """The list pages, each cooperative's view, the filter and the coverage report answer what
    the old queries answer; returns the answers."""
    expected = county.read(lambda cur: old_answers(cur, FLOOR))
    answers = county.answers()
    assert answers == expected
    for value in (True, False):
        assert county.filtered(value) == county.read(
            lambda cur, v=value: old_has_league_org_ids(cur, FLOOR, v))
    report = county.svc.coverage_report()
    with_org = sum(1 for _, has in expected.values() if has)
    assert (report["with_league_org"], report["without_league_org"]) == (
        with_org, len(expected) - with_org)
    return answers


def has(county: County, coop_id: str) -> bool:
    return county.answers()[coop_id][1]


def covering(county: County, coop_id: str) -> list[str]:
    return county.answers()[coop_id][0]


def test_every_kind_of_event_keeps_the_coverage_of_the_old_queries(county):
    cid = county.committee()
    a, b, c, d, e = (county.coop() for _ in range(5))
    assert agree(county) == {x: ([], False) for x in (a, b, c, d, e)}

    # units appear: a professional committee (not a League organization), a general branch
    # and its branches, a League group, a joint branch over two cooperatives
    pc = county.unit(cid, "professional_committee", coops=(e,))
    gb = county.unit(pc, "general_branch", coops=(b,))
    br1 = county.unit(gb, "branch", coops=(a,))
    grp = county.unit(br1, "league_group")
    br2 = county.unit(gb, "branch", coops=(c,))
    jb = county.unit(cid, "joint_branch", coops=(c, d))
    agree(county)
    assert covering(county, c) == sorted([br2, jb]) and covering(county, e) == [pc]

    # League members reach the floor: two in the branch, one in its League group (counted by
    # the branch and, two levels up, by the general branch)
    m1 = county.member(br1)
    m2 = county.member(br1)
    agree(county)
    assert not has(county, a)
    county.member(br1, kind="young_person")  # young people do not count
    agree(county)
    m3 = county.member(grp)
    agree(county)
    assert has(county, a) and has(county, b) and not has(county, c)

    # ... and fall below it
    county.leave(m1)
    agree(county)
    assert not has(county, a) and not has(county, b)

    # a transfer between branches, then into the joint branch up to its floor
    county.transfer(m2, br2)
    agree(county)
    county.member(jb)
    county.member(jb)
    agree(county)
    assert not has(county, c)
    county.transfer(m3, jb)
    agree(county)
    assert has(county, c) and has(county, d) and not has(county, a)

    # a unit's cooperatives change: the joint branch leaves c, the branch takes e too
    county.cover(jb, [d])
    agree(county)
    assert not has(county, c) and has(county, d)
    county.cover(br1, [a, e])
    agree(county)
    assert covering(county, e) == sorted([pc, br1])

    # a subtree moves: br1 (with its group) from the general branch to the root
    county.member(grp)
    county.member(br1)
    county.move(br1, cid)
    agree(county)
    county.move(br1, gb)
    agree(county)

    # a merge: br1 into br2, its group and members follow
    county.merge(br1, br2)
    answers = agree(county)
    assert br1 not in answers[a][0]

    # an empty unit dissolved
    empty = county.unit(cid, "branch", coops=(e,))
    agree(county)
    county.dissolve(empty)
    agree(county)
    assert empty not in covering(county, e)

    # the cooperative's own flag
    county.update_coop(e, league_org_present=True)
    agree(county)
    assert has(county, e)
    county.update_coop(e, league_org_present=False)
    agree(county)

    # over age: a League member of the joint branch turns 28
    old = county.member(jb, age=27, days=340)
    agree(county)
    assert old in county.age_out(dt.date.today() + dt.timedelta(days=60))
    agree(county)


def scenario(county: County) -> None:
    """A mixed sequence of commands over two committees."""
    for _ in range(2):
        cid = county.committee()
        coops = [county.coop() for _ in range(6)]
        gb = county.unit(cid, "general_branch", coops=(coops[0],))
        branches = [county.unit(gb, "branch", coops=(coops[i], coops[i + 1]))
                    for i in (1, 3)]
        jb = county.unit(cid, "joint_branch", coops=(coops[1], coops[5]))
        grp = county.unit(branches[0], "league_group")
        members = [county.member(u) for u in (*branches, grp, jb) for _ in range(2)]
        county.member(jb, kind="young_person")
        county.transfer(members[0], jb)
        county.leave(members[2])
        county.cover(branches[1], [coops[4]])
        county.move(grp, branches[1])
        county.merge(branches[0], branches[1])
        county.update_coop(coops[2], league_org_present=True)


def test_a_mixed_sequence_rebuilds_and_backfills_to_the_same_rows(county):
    scenario(county)
    agree(county)
    rows = county.rows()
    assert any(units for _, units, _ in rows)

    # rebuilt from the events (deploy/rebuild.py): the same rows
    digest = county.read(lambda cur: table_digest(cur, county.schema, "cooperatives"))
    rebuild(county.dsn, county.schema, county.store, [projector])
    assert county.read(lambda cur: table_digest(cur, county.schema, "cooperatives")) == digest
    assert county.rows() == rows
    # the service's connections planned the refreshes on the tables the rebuild replaced
    coop = county.coop()
    branch = county.unit(county.committee(), "branch", coops=(coop,))
    for _ in range(FLOOR):
        county.member(branch)
    assert has(county, coop)
    agree(county)
    rows = county.rows()

    # the migration's backfill over the same data: the same rows
    def migrate_again(cur) -> None:
        cur.execute("ALTER TABLE cooperatives DROP COLUMN covering_units,"
                    " DROP COLUMN covering_league_members;"
                    " DROP FUNCTION refresh_coverage_under, refresh_coverage_of_unit,"
                    " refresh_coverage")
        cur.execute(MIGRATION.read_text())

    county.read(migrate_again)
    assert county.rows() == rows
    agree(county)


def test_a_new_floor_is_applied_when_reading(county, monkeypatch):
    cid = county.committee()
    coop = county.coop()
    branch = county.unit(cid, "branch", coops=(coop,))
    for _ in range(FLOOR):
        county.member(branch)
    assert has(county, coop)
    monkeypatch.setattr(q, "POLICY", dataclasses.replace(
        q.POLICY, branch_min_league_members=FLOOR + 1))
    assert county.read(lambda cur: old_answers(cur, FLOOR + 1)) == {coop: ([branch], False)}
    assert county.answers() == {coop: ([branch], False)}
    assert county.filtered(True) == []
    county.member(branch)
    assert county.answers() == {coop: ([branch], True)}


def registered(unit_id: str, seq: int) -> dict:
    """A MemberRegistered envelope of a new League member of `unit_id` (as the store gives
    it to the projector)."""
    member_id = uuid.uuid4().hex
    number = make_resident_id("371202", dt.date(2002, 5, 4), f"{seq:03d}")
    return {"type": "MemberRegistered", "stream_id": f"member-{member_id}", "version": 1,
            "occurred_at": "2024-03-01T00:00:00+00:00", "data": {
                "kind": "league_member", "name": "成员", "sex": "male", "ethnicity": "汉族",
                "resident_id": number, "birth_date": "2002-05-04", "phone": None,
                "education": None, "occupation": None, "cooperative_id": None,
                "unit_id": unit_id, "join_date": "2018-05-04", "registered_on": "2024-03-01"}}


def test_a_refresh_waits_for_the_one_before_it(county):
    """Two commands adding a League member under one cooperative at once: the second's
    refresh waits for the first's commit and counts both (without the lock it would count
    only its own and write last)."""
    cid = county.committee()
    coop = county.coop()
    branch = county.unit(cid, "branch", coops=(coop,))
    first = db.connect(county.dsn, county.schema)
    second = db.connect(county.dsn, county.schema)
    try:
        with first.cursor() as cur:
            projector.apply(cur, registered(branch, 1))
        done = threading.Event()

        def apply_second() -> None:
            with second.cursor() as cur:
                projector.apply(cur, registered(branch, 2))
            done.set()

        thread = threading.Thread(target=apply_second)
        thread.start()
        assert not done.wait(0.5), "the second refresh ran while the first was open"
        first.commit()
        thread.join(10)
        assert done.is_set()
        second.commit()
    finally:
        first.close()
        second.close()
    assert county.rows()[0][2] == 2
    agree(county)


@pytest.mark.timeout(300)
def test_concurrent_commands_lose_no_league_member(county):
    """Commands refreshing one cooperative at once, through the service (a connection each):
    no error, no count lost."""
    cid = county.committee()
    coop = county.coop()
    gb = county.unit(cid, "general_branch", coops=(coop,))
    branches = [county.unit(gb, "branch", coops=(coop,)) for _ in range(2)]
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def register(unit_id: str) -> None:
        try:
            start.wait()
            for _ in range(6):
                county.member(unit_id)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=register, args=(branches[i % 2],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    agree(county)
    units = {u["id"]: u for u in county.rows()[0][1]}
    assert units[gb]["league_members"] == 24
    assert sorted(units[b]["league_members"] for b in branches) == [12, 12]
