"""Venues (活动阵地) and bookings through the gateway: no overlaps, capacity, scope."""

from __future__ import annotations

from tests.e2e import test_gateway_kit as kit
from tests.e2e.test_funding_kit import known_unit


def test_venues_are_booked_without_overlaps(api):
    root = kit.committee(api)["root_unit_id"]
    a, b = known_unit(api, root), known_unit(api, root)
    r = api.post("/api/v1/venues", {"name": "Co-op hall", "provider_kind": "cooperative",
                                    "provider_name": "Green Tea Coop", "capacity": 40,
                                    "unit_id": a, "address": "Dazhuang"})
    assert r.status_code == 201, r.text
    venue = r.json()
    assert r.headers["Location"] == f"/api/v1/venues/{venue['id']}"
    assert api.post("/api/v1/venues", {"name": "X", "provider_kind": "palace",
                                       "provider_name": "Y", "capacity": 4,
                                       "unit_id": a}).status_code == 422

    def book(start: str, end: str, **kw):
        return api.post(f"/api/v1/venues/{venue['id']}/bookings",
                        {"activity_id": "act-7", "starts_at": start, "ends_at": end, **kw})

    first = book("2026-06-01T09:00:00+08:00", "2026-06-01T11:00:00+08:00")
    assert first.status_code == 201, first.text
    clash = book("2026-06-01T10:30:00+08:00", "2026-06-01T12:00:00+08:00")
    assert clash.status_code == 409
    assert clash.json()["clashing_booking_id"] == first.json()["booking_id"]
    assert book("2026-06-01T11:00:00+08:00", "2026-06-01T12:00:00+08:00").status_code == 201
    assert book("2026-06-02T09:00:00+08:00", "2026-06-02T10:00:00+08:00",
                expected_attendance=41).status_code == 409  # above the capacity
    assert book("2026-06-02T10:00:00+08:00", "2026-06-02T09:00:00+08:00").status_code == 422
    assert book("2026-06-02T09:00:00", "2026-06-02T10:00:00").status_code == 422  # no offset

    r = api.post(f"/api/v1/venues/{venue['id']}/bookings/{first.json()['booking_id']}/cancel",
                 {"reason": "rain"})
    assert r.status_code == 200 and r.json()["cancelled"] is True
    assert book("2026-06-01T10:30:00+08:00", "2026-06-01T11:00:00+08:00").status_code == 201

    r = api.patch(f"/api/v1/venues/{venue['id']}", {"capacity": 60})
    assert r.status_code == 200 and r.json()["capacity"] == 60
    shown = api.get(f"/api/v1/venues/{venue['id']}").json()
    assert len(shown["bookings"]) == 3
    assert sum(1 for x in shown["bookings"] if x["cancelled"]) == 1

    scoped = api.token("league_committee", "editor", unit=b, sub="scoped-venues")
    assert api.get(f"/api/v1/venues/{venue['id']}", token=scoped).status_code == 404
    assert venue["id"] not in {v["id"] for v in api.get(
        "/api/v1/venues", token=scoped, params={"limit": 500}).json()["items"]}
    r = api.post(f"/api/v1/venues/{venue['id']}/bookings",
                 {"activity_id": "a", "starts_at": "2027-01-01T09:00:00+08:00",
                  "ends_at": "2027-01-01T10:00:00+08:00"}, token=scoped)
    assert r.status_code == 404
    assert len(api.get(f"/api/v1/venues/{venue['id']}").json()["bookings"]) == 3
    listed = api.get("/api/v1/venues", params={"unit_id": a}).json()["items"]
    assert [v["id"] for v in listed] == [venue["id"]]
