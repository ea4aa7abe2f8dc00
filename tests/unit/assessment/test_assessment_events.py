"""Event registry: every aggregate event type has a schema, and schemas refuse bad data."""

from __future__ import annotations

import inspect
import re

import pytest

from eventkit.aggregate import handler_name
from eventkit.errors import InvalidInput
from services.assessment.contract.events import registry
from services.assessment.domain import commitment, recommendation, round

AGGREGATES = [
    commitment.CommitmentLetter, round.AssessmentRound, recommendation.Recommendation
]


def recorded_types() -> set[str]:
    types: set[str] = set()
    for module in (commitment, round, recommendation):
        types |= set(re.findall(r'_record\(\s*"(\w+)"', inspect.getsource(module)))
    return types


def test_every_recorded_event_has_a_schema_and_a_handler() -> None:
    types = recorded_types()
    assert len(types) == 26  # issue 12: PartyDecisionRecorded
    assert types == set(registry.types())
    for event_type in types:
        assert any(hasattr(agg, handler_name(event_type)) for agg in AGGREGATES), event_type


def test_stream_prefixes() -> None:
    assert [a.stream_id_for("x") for a in AGGREGATES] == [
        "letter-x", "round-x", "recommendation-x"
    ]


def test_schema_refuses_unknown_and_bad_fields() -> None:
    good = {"member_id": "M1", "score": 90, "submitted_at": "2024-12-01T08:00:00+00:00"}
    assert registry.validate("SelfScoreSubmitted", good) == 1
    with pytest.raises(InvalidInput):
        registry.validate("SelfScoreSubmitted", good | {"extra": 1})
    with pytest.raises(InvalidInput):
        registry.validate("SelfScoreSubmitted", good | {"score": 101})
    with pytest.raises(InvalidInput):
        registry.validate("SelfScoreSubmitted", good | {"submitted_at": "2024-12-01T08:00:00"})


def test_nested_schema_refuses_bad_category() -> None:
    data = {
        "published_on": "2024-03-01", "notice_days": 7,
        "items": [{"item_id": "i", "category": "leisure", "content": "c", "target": "t",
                   "deadline": "2024-12-31"}],
    }
    with pytest.raises(InvalidInput):
        registry.validate("LetterPublished", data)
    data["items"][0]["category"] = "post"  # type: ignore[index]
    assert registry.validate("LetterPublished", data) == 1


def test_catalogue_lists_every_type() -> None:
    assert {c["type"] for c in registry.catalogue()} == recorded_types()
