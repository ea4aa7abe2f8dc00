from __future__ import annotations

import pytest

from eventkit.aggregate import handler_name
from eventkit.errors import InvalidInput
from services.org.contract.events import registry
from services.org.domain.committee import Committee
from services.org.domain.cooperative import Cooperative
from services.org.domain.evaluation import Evaluation
from services.org.domain.member import Member
from services.org.domain.person import PersonRecord
from services.org.domain.service_request import ServiceRequest
from services.org.domain.unit import Unit

AGGREGATES = (Committee, Cooperative, Unit, Member, PersonRecord, Evaluation, ServiceRequest)


def test_every_event_type_has_exactly_one_handling_aggregate() -> None:
    for event_type in registry.types():
        owners = [a.__name__ for a in AGGREGATES if hasattr(a, handler_name(event_type))]
        assert len(owners) == 1, (event_type, owners)


def test_every_handler_has_a_schema() -> None:
    handled = {name for agg in AGGREGATES for name in vars(agg) if name.startswith("_on_")}
    registered = {handler_name(t) for t in registry.types()}
    assert handled == registered


def test_schemas_refuse_bad_data() -> None:
    with pytest.raises(InvalidInput):
        registry.validate("MemberAgedOut", {"on": "not a date"})
    with pytest.raises(InvalidInput):
        registry.validate("MemberAgedOut", {"on": "2028-06-15", "extra": 1})
    with pytest.raises(InvalidInput):
        registry.validate("UnitCreated", {"name": "x"})
    assert registry.validate("MemberAgedOut", {"on": "2028-06-15", "unit_id": "u1"}) == 2
    with pytest.raises(InvalidInput):  # v2 requires the unit (null allowed)
        registry.validate("MemberAgedOut", {"on": "2028-06-15"})


def test_v1_events_are_upcast_with_the_new_fields_null() -> None:
    assert registry.upcast("MemberAgedOut", 1, {"on": "2028-06-15"}) == (
        2, {"on": "2028-06-15", "unit_id": None})
    assert registry.upcast("MemberLeft", 1, {"on": "2028-06-15", "reason": "r",
                                             "ended_role_ids": []})[1]["unit_id"] is None
    version, data = registry.upcast("UnitMoved", 1, {"from_parent_id": "a", "to_parent_id": "b",
                                                     "on": "2024-01-01"})
    assert version == 2 and data["professional_committee_id"] is None
    version, data = registry.upcast("UnitCreated", 1, {"name": "x"})
    assert version == 2 and data["committee_id"] is None
    assert data["professional_committee_id"] is None
