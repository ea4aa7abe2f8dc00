"""Assessment command handlers on the fakes: an in-memory event store and unit of work, a fixed
clock, counted ids and fake read-model facts; no PostgreSQL. The same handlers run in the
service (tests/e2e/test_assessment_round.py drives them through HTTP)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from eventkit.clock import FixedClock
from eventkit.errors import InvalidInput, NotFound, RuleViolation
from eventkit.fakes import FakeUnitOfWork, InMemoryEventStore
from services.assessment import handlers
from services.assessment.contract.events import registry
from services.assessment.domain.commitment import CATEGORIES as COMMITMENT_CATEGORIES
from services.assessment.domain.evidence import Evidence
from services.assessment.domain.recommendation import Candidate

NOW = dt.datetime(2024, 3, 10, 1, 0, tzinfo=dt.UTC)  # 2024-03-10 09:00 in the county


class FakeFacts:
    """handlers.Facts in dicts: one committee C1 with people M1, M2 in unit U1."""

    def __init__(self) -> None:
        self.committees = {"C1": {"id": "C1", "name": "Working committee"}}
        self.people = {"C1": ["M1", "M2"]}
        self.person_units = {"M1": {"U1"}, "M2": {"U2"}}
        self.letters: list[tuple[str, int]] = []
        self.units = {"U1": "branch", "U2": "league_group"}

    def committee(self, committee_id: str) -> dict[str, Any] | None:
        return self.committees.get(committee_id)

    def active_people(self, committee_id: str) -> list[str]:
        return self.people.get(committee_id, [])

    def person_in_scope(self, person_id: str, scope: Any) -> bool:
        return scope is None or bool(self.person_units.get(person_id, set()) & set(scope))

    def letters_of(self, member_id: str, year: int) -> list[tuple[str, int]]:
        return [(m, y) for m, y in self.letters if (m, y) == (member_id, year)]

    def rounds_of(self, committee_id: str) -> list[tuple[str, int]]:
        return []

    def unit_known(self, committee_id: str, unit_id: str) -> bool:
        return unit_id in self.units

    def unit_kind(self, unit_id: str) -> str | None:
        return self.units.get(unit_id)

    def home_unit(self, committee_id: str, member_id: str) -> tuple[str, str | None]:
        return sorted(self.person_units[member_id])[0], None

    def letters_in_progress(self, committee_id: str, year: int, member_ids: Any) -> list[str]:
        return []

    def evidence_for(self, member_ids: Any, year: int, as_of: dt.date,
                     overrides: Any = None) -> dict[str, Evidence]:
        return {m: Evidence() for m in member_ids}

    def candidate(self, committee_id: str, member_id: str) -> Candidate:
        return Candidate(member_id, committee_id,
                         member_id in self.people.get(committee_id, []))

    def organization_members(self, unit_id: str, committee_id: str, on: dt.date) -> int:
        return len(self.people.get(committee_id, [])) if unit_id == committee_id else 10


@pytest.fixture
def world() -> tuple[FakeUnitOfWork, FakeFacts, Any]:
    facts = FakeFacts()
    uow = FakeUnitOfWork(InMemoryEventStore(registry))
    ids = (f"id{n}" for n in itertools.count(1))

    def ctx(scope: list[str] | None = None, at: dt.datetime = NOW) -> handlers.Context:
        return handlers.Context(facts=lambda tx: facts, scope=scope, clock=FixedClock(at),
                                new_id=lambda: next(ids), actor="tester")

    return uow, facts, ctx


def run(uow: FakeUnitOfWork, handler: Any, cmd: dict[str, Any], ctx: handlers.Context,
        command_id: str | None = None) -> dict[str, Any]:
    return uow.run(lambda tx: handler(tx, cmd, ctx), command_id=command_id)


def draft(uow: FakeUnitOfWork, ctx: handlers.Context, **over: Any) -> str:
    cmd = {"committee_id": "C1", "member_id": "M1", "year": 2024, "drafted_on": None, **over}
    return str(run(uow, handlers.draft_letter, cmd, ctx)["id"])


def item(category: str) -> dict[str, Any]:
    return {"category": category, "content": "Hold monthly exchange meetings",
            "target": "12 meetings", "deadline": dt.date(2024, 12, 31)}


def test_draft_letter_records_one_event_dated_by_the_injected_clock(world: Any) -> None:
    uow, _, ctx = world
    letter_id = draft(uow, ctx())
    assert letter_id == "id1"
    [event] = uow.store.events
    assert event["type"] == "LetterDrafted"
    assert event["stream_id"].endswith("-id1")
    assert event["data"]["drafted_on"] == "2024-03-10"  # the county date of NOW


def test_a_drafting_date_in_the_future_is_refused_and_nothing_is_stored(world: Any) -> None:
    uow, _, ctx = world
    with pytest.raises(InvalidInput) as err:
        draft(uow, ctx(), drafted_on=dt.date(2024, 3, 11))
    assert err.value.details["errors"] == {"drafted_on": ["must not be in the future"]}
    assert uow.store.events == []


def test_unknown_committee_and_outsider_are_field_errors(world: Any) -> None:
    uow, _, ctx = world
    with pytest.raises(InvalidInput) as err:
        draft(uow, ctx(), committee_id="C9")
    assert "committee_id" in err.value.details["errors"]
    with pytest.raises(InvalidInput) as err:
        draft(uow, ctx(scope=["U2"]))  # M1 is in U1 only
    assert "member_id" in err.value.details["errors"]


def test_one_letter_per_member_and_year(world: Any) -> None:
    uow, facts, ctx = world
    facts.letters.append(("M1", 2024))
    with pytest.raises(RuleViolation):
        draft(uow, ctx())


def test_full_lifecycle_to_publication(world: Any) -> None:
    uow, _, ctx = world
    letter_id = draft(uow, ctx())
    for category in COMMITMENT_CATEGORIES:
        run(uow, handlers.add_letter_item, {"letter_id": letter_id, **item(category)}, ctx())
    run(uow, handlers.submit_letter, {"letter_id": letter_id, "signed_on": None}, ctx())
    run(uow, handlers.publish_letter,
        {"letter_id": letter_id, "published_on": None, "notice_days": 7}, ctx())
    assert uow.store.types()[-2:] == ["LetterSubmitted", "LetterPublished"]
    assert [e["version"] for e in uow.store.events] == list(range(1, len(uow.store.events) + 1))


def test_a_letter_outside_scope_is_not_found(world: Any) -> None:
    uow, _, ctx = world
    letter_id = draft(uow, ctx())
    with pytest.raises(NotFound):
        run(uow, handlers.add_letter_item, {"letter_id": letter_id, **item("common")},
            ctx(scope=["U2"]))


def test_a_repeated_command_id_answers_the_first_result_and_stores_nothing_more(
        world: Any) -> None:
    uow, _, ctx = world
    cmd = {"committee_id": "C1", "member_id": "M2", "year": 2024, "drafted_on": None}
    first = run(uow, handlers.draft_letter, cmd, ctx(), command_id="k1")
    again = run(uow, handlers.draft_letter, cmd, ctx(), command_id="k1")
    assert first == again
    assert len(uow.store.events) == 1


def test_a_branch_vote_needs_a_league_branch(world: Any) -> None:
    uow, _, ctx = world
    rec = run(uow, handlers.propose_recommendation, {
        "kind": "league_award", "committee_id": "C1", "member_id": "M1", "reason": "Good work",
        "proposed_on": None, "round_id": None, "party_applied_on": None}, ctx())
    vote = {"rec_id": rec["id"], "vote_on": dt.date(2024, 3, 1), "voting_members": 10,
            "in_favour": 8, "against": 1, "abstain": 1, "branch_id": "U2"}
    with pytest.raises(InvalidInput) as err:
        run(uow, handlers.record_branch_vote, vote, ctx())
    assert "branch_id" in err.value.details["errors"]
