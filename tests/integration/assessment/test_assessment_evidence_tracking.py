"""Evidence from other services' events stays right when they arrive duplicated, lost,
reordered or late: envelopes go through the real Tracker and the tracked projectors into a
real assessment schema, and the evidence read from it is compared with clean delivery."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from eventkit import db, migrate
from eventkit.registry import EventRegistry
from eventkit.tracking import Tracker
from services.activities.contract.events import registry as activities_registry
from services.assessment import facts
from services.assessment.tracked import TRACKED
from services.funding.contract.events import registry as funding_registry
from services.org.contract.events import registry as org_registry

D = dt.date
C, MU = "c" + uuid.uuid4().hex[:8], "mu-agri"
SECRETARY, DEPUTY, LEADER, TOWNSHIP_SEC = "p-sec", "p-dep", "p-lead", "p-town"
PEOPLE = [SECRETARY, DEPUTY, LEADER, TOWNSHIP_SEC]


class Feed:
    """A source service's feed: envelopes validated against its real event schemas."""

    def __init__(self, source: str, registry: EventRegistry) -> None:
        self.source, self.registry = source, registry
        self.events: list[dict[str, Any]] = []
        self.versions: dict[str, int] = {}

    def add(self, stream_id: str, event_type: str, data: dict[str, Any],
            occurred_at: str = "2024-12-01T00:00:00+00:00") -> None:
        version = self.registry.validate(event_type, data)
        self.versions[stream_id] = self.versions.get(stream_id, 0) + 1
        self.events.append({
            "position": len(self.events) + 1, "event_id": str(uuid.uuid4()),
            "stream_id": stream_id, "version": self.versions[stream_id], "type": event_type,
            "schema_version": version, "occurred_at": occurred_at, "data": data,
            "metadata": {"source": self.source}})

    def read(self, after: int, limit: int) -> list[dict[str, Any]]:
        return [e for e in self.events if e["position"] > after][:limit]


def unit(name: str, kind: str, parent: str | None, on: str, coops: list[str] | None = None,
         township: str | None = None) -> dict[str, Any]:
    managed = township is not None and kind != "working_committee"
    return {"name": name, "kind": kind, "parent_id": parent,
            "formation_mode": {"branch": "standalone", "joint_branch": "joint"}.get(kind),
            "industry": None, "cooperative_ids": coops or [],
            "management": "township" if managed else "direct", "township": township,
            "joint_mode": "village_cooperative" if managed else None, "group_functions": [],
            "on": on, "committee_id": C, "professional_committee_id": None}


def org_feed() -> Feed:
    f = Feed("org", org_registry)
    f.add(f"committee-{C}", "CommitteeCreated",
          {"name": "Test working committee", "county": "Test", "county_code": "371202"})
    f.add(f"unit-{C}", "UnitCreated", unit("Test working committee", "working_committee", None,
                                           "2020-01-01"))
    f.add(f"committee-{C}", "MemberUnitAdded",
          {"member_unit_id": MU, "name": "Agriculture bureau", "department_type": "agriculture"})
    f.add(f"committee-{C}", "SecretaryAppointed",
          {"person_id": SECRETARY, "name": "Li", "from_county_league_committee": True,
           "on": "2024-01-01"})
    f.add(f"committee-{C}", "DeputySecretaryAppointed",
          {"person_id": DEPUTY, "name": "Wang", "member_unit_id": MU, "office": "Rural office",
           "is_office_head": True, "on": "2024-01-01"})
    f.add(f"committee-{C}", "CommitteeMemberAppointed",
          {"person_id": LEADER, "name": "Zhao", "source": "large_cooperative_league_leader",
           "cooperative_id": "coop-1", "township": None, "on": "2024-01-01"})
    f.add(f"committee-{C}", "CommitteeMemberAppointed",
          {"person_id": TOWNSHIP_SEC, "name": "Sun", "source": "township_league_secretary",
           "cooperative_id": None, "township": "Dazhuang", "on": "2024-01-01"})
    f.add("unit-B1", "UnitCreated", unit("Branch of coop 1", "branch", C, "2023-06-01",
                                         coops=["coop-1"]))
    f.add("unit-B2", "UnitCreated", unit("Dazhuang joint branch", "joint_branch", C,
                                         "2024-03-10", township="Dazhuang"))
    f.add("unit-B3", "UnitCreated", unit("Dazhuang second branch", "joint_branch", C,
                                         "2024-01-01", township="Dazhuang"))
    f.add("unit-B4", "UnitCreated", unit("Elsewhere branch", "joint_branch", C, "2024-01-01",
                                         township="Xiaozhuang"))
    return f


def activity(organizers: list[str], co: list[str]) -> dict[str, Any]:
    return {"organizer_unit_ids": organizers, "co_organizer_unit_ids": co, "kind": "charity",
            "title": "Activity", "starts_at": "2024-05-01T09:00:00+08:00",
            "ends_at": "2024-05-01T11:00:00+08:00", "venue": "Hall", "audience": "youth",
            "expected_attendance": 10, "budget_fen": 0, "work_menu_item_id": None,
            "unified_activity_id": None}


def held(on: str, attendees: int) -> dict[str, Any]:
    return {"held_on": on, "attendee_member_ids": [f"m{i}" for i in range(attendees)],
            "summary": "done", "outcome_figures": {}}


def meeting(unit_id: str, meeting_type: str, on: str,
            chair: str | None = None) -> dict[str, Any]:
    """MeetingRecorded v2 (issue 12): attendees with their roles; `chair` attends as the
    secretary (a regular meeting of the working committee counts only chaired)."""
    attendance = [{"member_id": "m1", "role": "member"}]
    if chair:
        attendance.insert(0, {"member_id": chair, "role": "secretary"})
    return {"meeting_type": meeting_type, "unit_id": unit_id, "held_on": on, "held_at": None,
            "attendee_member_ids": [a["member_id"] for a in attendance],
            "attendance": attendance, "absentees": [], "topics": [], "resolutions": [],
            "minutes": "minutes"}


def activities_feed() -> Feed:
    f = Feed("activities", activities_registry)
    f.add("activity-A1", "ActivityPlanned", activity(["B1"], [MU]))
    f.add("activity-A1", "ActivityHeld", held("2024-05-01", 3))
    f.add("activity-A2", "ActivityPlanned", activity(["B2", "B3"], []))
    f.add("activity-A2", "ActivityHeld", held("2024-06-01", 5))
    f.add("activity-A4", "ActivityPlanned", activity(["B1"], []))
    f.add("activity-A4", "ActivityCancelled", {"reason": "rain"})
    f.add("activity-A5", "ActivityPlanned", activity(["B4"], []))
    f.add("activity-A5", "ActivityHeld", held("2024-06-01", 7))
    for month in range(1, 13):
        f.add(f"meeting-WC{month}", "MeetingRecorded",
              meeting(C, "working_committee_regular", f"2024-{month:02d}-05",
                      chair=SECRETARY))
    for month in range(1, 7):
        f.add(f"meeting-B1-{month}", "MeetingRecorded",
              meeting("B1", "branch_monthly_youth_exchange", f"2024-{month:02d}-10"))
    f.add("meeting-B1-dup", "MeetingRecorded",
          meeting("B1", "branch_monthly_youth_exchange", "2024-03-25"))
    f.add("meeting-B1-jul", "MeetingRecorded",
          meeting("B1", "branch_monthly_youth_exchange", "2024-07-10"))
    f.add("meeting-B2-apr", "MeetingRecorded",
          meeting("B2", "branch_monthly_youth_exchange", "2024-04-10"))
    # late arrivals: last year's activity, recorded long after, and a retraction
    f.add("activity-A3", "ActivityPlanned", activity(["B1"], []))
    f.add("activity-A3", "ActivityHeld", held("2023-12-30", 9))
    f.add("meeting-B1-jul", "MeetingRecordRetracted", {"reason": "entered twice"},
          occurred_at="2024-08-01T02:00:00+00:00")
    return f


def receipt(entry: str, source: str, amount: int, on: str) -> dict[str, Any]:
    return {"entry_id": entry, "receipt_number": entry, "source": source, "amount_fen": amount,
            "earmark": None, "received_on": on, "pledge_id": None, "payer_name": "Payer"}


def grant(grant_id: str, unit_id: str, amount: int) -> dict[str, Any]:
    return {"message_id": f"msg-{grant_id}", "partner_id": "bank1", "grant_id": grant_id,
            "beneficiary": {"kind": "cooperative", "uscc": "93371202MA3C00000X"},
            "amount_fen": amount, "term_months": 36, "annual_rate_bp": 435,
            "guarantee": "credit", "purpose": "orchards",
            "granted_at": "2024-03-31T20:00:00+00:00", "recommended_by_unit": unit_id}


def funding_feed() -> Feed:
    f = Feed("funding", funding_registry)
    f.add("fund-B1", "ReceiptRecorded", receipt("r1", "enterprise_sponsorship", 50_000,
                                                 "2024-02-01"))
    f.add("fund-B1", "ReceiptRecorded", receipt("r2", "dues_rebate", 20_000, "2024-02-01"))
    f.add("fund-B1", "ReceiptRecorded", receipt("r3", "aid_unit_support", 30_000, "2024-03-01"))
    f.add("fund-B1", "EntryReversed", {"entry_id": "r4", "reverses_entry_id": "r3",
                                        "reason": "typo", "reversed_on": "2024-03-02"})
    f.add("grant-bank1.G1", "CreditGranted", grant("G1", "B2", 5_000_000))
    f.add("grant-bank1.G2", "CreditGranted", grant("G2", "B1", 3_000_000))
    f.add("grant-bank1.G2", "CreditRevoked", {"message_id": "msg-rev", "reason": "withdrawn",
                                               "revoked_at": "2024-05-01T00:00:00+00:00"})
    return f


EXPECTED_2024 = {
    # secretary: the working committee's 12 regular meetings + 4 classes due, 12 held
    SECRETARY: {"unit_ids": [C], "meetings_due": 16, "meetings_held": 12,
                "activities_organized": 0, "young_people_reached": 0, "funds_raised_fen": 0,
                "credit_facilitated_fen": 0},
    # deputy: the member unit co-organized A1
    DEPUTY: {"unit_ids": [MU], "meetings_due": 0, "meetings_held": 0,
             "activities_organized": 1, "young_people_reached": 3, "funds_raised_fen": 0,
             "credit_facilitated_fen": 0},
    # the cooperative's branch B1: 12 due, January-June held (the retracted July does not
    # count, two meetings in March fulfil one duty), A1, the sponsorship only
    LEADER: {"unit_ids": ["B1"], "meetings_due": 12, "meetings_held": 6,
             "activities_organized": 1, "young_people_reached": 3, "funds_raised_fen": 50_000,
             "credit_facilitated_fen": 0},
    # Dazhuang's two branches: B2 from March (10) + B3 (12); A2 organized by both counts once
    TOWNSHIP_SEC: {"unit_ids": ["B2", "B3"], "meetings_due": 22, "meetings_held": 1,
                   "activities_organized": 1, "young_people_reached": 5, "funds_raised_fen": 0,
                   "credit_facilitated_fen": 5_000_000},
}


@pytest.fixture
def schema_pool(dsn: str) -> Iterator[db.Pool]:
    schema = f"asmt_{uuid.uuid4().hex[:10]}"
    migrate.migrate("assessment", dsn, schema)
    pool = db.Pool(dsn, schema, size=4)
    yield pool
    pool.close()
    conn = db.connect(dsn, "public")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP SCHEMA "{schema}" CASCADE')
    conn.close()


def evidence(pool: db.Pool, year: int = 2024) -> dict[str, dict[str, Any]]:
    with pool.transaction() as cur:
        found = facts.evidence_for(cur, PEOPLE, year, D(year, 12, 31))
    return {m: {k: v for k, v in e.to_data().items() if k != "fact_count"}
            for m, e in found.items()}


def trackers(pool: db.Pool, feeds: dict[str, Feed], consumer: str) -> dict[str, Tracker]:
    return {s: Tracker(pool, consumer, s, TRACKED[s], f.read, batch=7) for s, f in feeds.items()}


def feeds() -> dict[str, Feed]:
    return {"org": org_feed(), "activities": activities_feed(), "funding": funding_feed()}


def test_clean_delivery_gives_the_expected_evidence(schema_pool: db.Pool) -> None:
    sources = feeds()
    for tracker in trackers(schema_pool, sources, "clean").values():
        tracker.catch_up()
    assert evidence(schema_pool) == EXPECTED_2024
    # the late event of last year counts in its own year, for its own unit
    last_year = evidence(schema_pool, 2023)
    assert last_year[LEADER]["activities_organized"] == 1
    assert last_year[LEADER]["young_people_reached"] == 9
    assert last_year[TOWNSHIP_SEC]["activities_organized"] == 0


@pytest.mark.parametrize("seed", range(4))
def test_duplicated_lost_and_reordered_messages_end_in_the_same_evidence(
        schema_pool: db.Pool, seed: int) -> None:
    sources = feeds()
    rng = random.Random(seed)
    # activities and funding first: their facts arrive before org has told who owns the units
    order = ["activities", "funding", "org"] if seed % 2 else ["funding", "org", "activities"]
    runners = trackers(schema_pool, sources, f"messy{seed}")
    for source in order:
        events = sources[source].events
        messages = [e for e in events if rng.random() > 0.3]  # ~30% lost
        messages += rng.sample(events, min(len(events), 15))  # duplicates
        rng.shuffle(messages)  # reordered
        for env in messages:
            runners[source].handle(env)
    for tracker in runners.values():
        tracker.catch_up()  # the timer's safety net
        assert tracker.position() == len(sources[tracker.source].events)
    assert evidence(schema_pool) == EXPECTED_2024


def test_a_redelivery_that_bypasses_the_tracker_never_counts_twice(schema_pool: db.Pool) -> None:
    sources = feeds()
    for tracker in trackers(schema_pool, sources, "bypass").values():
        tracker.catch_up()
    with schema_pool.transaction() as cur:
        for source, feed in sources.items():
            for env in feed.events:
                if env["type"] in ("ActivityHeld", "MeetingRecorded", "ReceiptRecorded",
                                   "CreditGranted"):
                    TRACKED[source].apply(cur, env)
    assert evidence(schema_pool) == EXPECTED_2024


def test_units_and_home_units_follow_org(schema_pool: db.Pool) -> None:
    sources = feeds()
    org = sources["org"]
    org.add(f"committee-{C}", "CommitteeMemberRemoved", {"person_id": LEADER,
                                                         "on": "2024-10-01"})
    org.add("unit-B3", "UnitDissolved", {"reason": "merged villages", "on": "2024-09-30"})
    for tracker in trackers(schema_pool, sources, "follow").values():
        tracker.catch_up()
    with schema_pool.transaction() as cur:
        units = facts.units_of(cur, PEOPLE)
        assert units[LEADER] == []  # removed from the committee
        assert [u["unit_id"] for u in units[TOWNSHIP_SEC]] == ["B2"]
        assert facts.home_unit(cur, C, DEPUTY) == (MU, "agriculture")
        assert facts.home_unit(cur, C, SECRETARY) == (C, "league_committee")
        assert facts.active_people(cur, C) == sorted([SECRETARY, DEPUTY, TOWNSHIP_SEC])
