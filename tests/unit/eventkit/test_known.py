"""The kernel's KnownTable writes the SQL each service restated for its copy of org's
cooperatives (issue 11): the same statements, the same arguments."""

from __future__ import annotations

from typing import Any

from eventkit.known import KnownTable
from eventkit.projection import Projector
from services.org.contract.events import COOPERATIVE_EVENTS, COOPERATIVE_FIELDS


class Cursor:
    def __init__(self, row: tuple | None = None) -> None:
        self.statements: list[tuple[str, tuple]] = []
        self.row = row

    def execute(self, sql: str, args: tuple = ()) -> None:
        self.statements.append((sql, args))

    def fetchone(self) -> tuple | None:
        return self.row


def envelope(event_type: str, position: int, **data: Any) -> dict[str, Any]:
    return {"type": event_type, "stream_id": "cooperative-c1", "position": position,
            "data": data}


def tracked() -> Projector:
    projector = Projector("x.from.org", tables=["known_cooperatives"])
    KnownTable("known_cooperatives", COOPERATIVE_FIELDS, "org_position").track(
        projector, *COOPERATIVE_EVENTS)
    return projector


def test_registered_inserts_the_published_fields_once():
    cur = Cursor()
    tracked().apply(cur, envelope("CooperativeRegistered", 7, uscc="93X", name="合作社",
                                  township="t1", industry_category="种植", chair="张三"))
    assert cur.statements == [(
        "INSERT INTO known_cooperatives (id, uscc, name, township, industry_category,"
        " org_position, learnt_at) VALUES (%s, %s, %s, %s, %s, %s, now())"
        " ON CONFLICT (id) DO NOTHING", ("c1", "93X", "合作社", "t1", "种植", 7))]


def test_updated_sets_only_the_published_fields_it_carries():
    cur = Cursor()
    projector = tracked()
    projector.apply(cur, envelope("CooperativeUpdated", 9, name="新名", chair="李四"))
    projector.apply(cur, envelope("CooperativeUpdated", 10, chair="王五"))  # nothing published
    assert cur.statements == [(
        "UPDATE known_cooperatives SET name = %s, org_position = %s WHERE id = %s",
        ("新名", 9, "c1"))]


def test_get_answers_the_row_by_column_or_none():
    table = KnownTable("known_cooperatives", COOPERATIVE_FIELDS, "org_position")
    cur = Cursor(("c1", "93X", "合作社", "t1", "种植", 7))
    assert table.get(cur, "c1") == {"id": "c1", "uscc": "93X", "name": "合作社",
                                    "township": "t1", "industry_category": "种植",
                                    "org_position": 7}
    assert cur.statements == [("SELECT id, uscc, name, township, industry_category,"
                               " org_position FROM known_cooperatives WHERE id = %s", ("c1",))]
    assert table.get(Cursor(None), "c2") is None
