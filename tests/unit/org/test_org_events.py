from __future__ import annotations

import pytest

from eventkit.aggregate import handler_name
from eventkit.errors import InvalidInput
from services.org.domain.committee import Committee
from services.org.domain.cooperative import Cooperative
from services.org.domain.member import Member
from services.org.domain.unit import Unit
from services.org.events import registry

AGGREGATES = (Committee, Cooperative, Unit, Member)


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
    assert registry.validate("MemberAgedOut", {"on": "2028-06-15"}) == 1
