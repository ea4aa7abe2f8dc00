"""Credit grants pushed by a partner over AMQP (its own broker user) and checked through the
gateway: duplicates, invalid messages, out-of-order events, replay, views and scope."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import amqp
import pytest

from tests.conftest import wait_until
from tests.e2e import test_gateway_kit as kit
from tests.e2e.test_funding_kit import (
    Partner,
    grant_body,
    known_unit,
    onboarded_partner,
    resident_id,
    unique_uscc,
)


@pytest.fixture(scope="module")
def partner(platform) -> Iterator[Partner]:
    with onboarded_partner() as onboarded:
        yield onboarded


def counters(api, partner_id: str) -> dict:
    r = api.get(f"/api/v1/partners/{partner_id}/counters")
    assert r.status_code == 200, r.text
    return r.json()


def grant(api, key: str, **kw) -> dict | None:
    r = api.get(f"/api/v1/credit-grants/{key}", **kw)
    return r.json() if r.status_code == 200 else None


def status_of(api, key: str) -> str | None:
    found = grant(api, key)
    return found["status"] if found else None


@pytest.fixture(scope="module")
def world(api):
    """A cooperative covered by a branch, known to funding."""
    coop = kit.cooperative(api, township="Qiaozhuang", industry_category="tea")
    root = kit.committee(api)["root_unit_id"]
    branch = known_unit(api, root, cooperative_ids=[coop["id"]])
    other = known_unit(api, root)
    wait_until(lambda: api.get(f"/api/v1/cooperatives/{coop['id']}").json()["known_by"]
               ["funding"], timeout=30, message="funding to learn the cooperative")
    return {"coop": coop, "branch": branch, "other": other, "root": root}


def test_the_broker_keeps_a_partner_to_its_own_routing_keys(partner):
    with pytest.raises(amqp.exceptions.AccessRefused):
        partner.publish("credit.granted", grant_body("G-foreign"),
                        routing_key="someone-else.credit.granted")
    with pytest.raises(amqp.exceptions.PreconditionFailed):
        partner.publish("credit.granted", grant_body("G-spoof"), user_id="someone-else")


def test_grants_duplicates_and_views(api, partner, world):
    before = counters(api, partner.id)
    coop_grant = grant_body("G-coop", {"kind": "cooperative", "uscc": world["coop"]["uscc"]},
                            amount_fen=20_000_000)
    message_id = partner.publish("credit.granted", coop_grant)
    partner.publish("credit.granted", coop_grant, message_id=message_id)  # duplicate
    young = resident_id(dt.date(1998, 2, 1))
    partner.publish("credit.granted", grant_body(
        "G-young", {"kind": "person", "name": "Zhao Min", "id_number": young},
        recommended_by_unit=world["branch"], granted_at="2026-05-03"))
    partner.publish("credit.granted", grant_body(
        "G-old", {"kind": "person", "name": "Qian Lao",
                  "id_number": resident_id(dt.date(1970, 1, 1))}, granted_at="2026-05-20"))
    wait_until(lambda: counters(api, partner.id)["accepted"] >= before["accepted"] + 3,
               message="three grants accepted")
    after = counters(api, partner.id)
    assert after["duplicate"] == before["duplicate"] + 1
    assert after["by_channel"]["amqp"]["accepted"] >= 3

    g = grant(api, f"{partner.id}.G-coop")
    assert g["status"] == "granted" and g["amount_fen"] == 20_000_000
    assert (g["township"], g["industry"], g["unit_id"]) == ("Qiaozhuang", "tea", world["branch"])
    assert g["beneficiary"]["cooperative_id"] == world["coop"]["id"]
    person = grant(api, f"{partner.id}.G-young")
    assert person["beneficiary"]["id_number_masked"] == "*" * 14 + young[-4:]
    assert young not in str(person)

    listed = api.get("/api/v1/credit-grants", params={"partner_id": partner.id,
                                                      "limit": 500}).json()["items"]
    assert {x["grant_id"] for x in listed} == {"G-coop", "G-young", "G-old"}
    by_partner = api.get("/api/v1/credit-grants/stats",
                         params={"group_by": "partner", "partner_id": partner.id}).json()
    assert by_partner["rows"] == [{**by_partner["total"], "key": partner.id,
                                   "label": "E2E Rural Bank"}]
    assert by_partner["total"]["granted_fen"] == 30_000_000
    by_month = api.get("/api/v1/credit-grants/stats",
                       params={"group_by": "month", "partner_id": partner.id}).json()
    assert {r["key"]: r["grants"] for r in by_month["rows"]} == {"2026-04": 1, "2026-05": 2}
    by_township = api.get("/api/v1/credit-grants/stats",
                          params={"group_by": "township", "partner_id": partner.id}).json()
    assert {r["key"]: r["grants"] for r in by_township["rows"]} == {"Qiaozhuang": 1, None: 2}
    for group in ("industry", "unit"):
        r = api.get("/api/v1/credit-grants/stats",
                    params={"group_by": group, "partner_id": partner.id})
        assert r.status_code == 200 and r.json()["total"]["grants"] == 3
    young_view = api.get("/api/v1/credit-grants/young-entrepreneurs",
                         params={"year": 2026}).json()
    assert young_view["people"] >= 1 and young_view["by_month"].get("2026-05", 0) >= 1

    scoped = api.token("league_committee", "viewer", unit=world["branch"], sub="scoped-credit")
    seen = api.get("/api/v1/credit-grants", token=scoped, params={"partner_id": partner.id})
    assert {x["grant_id"] for x in seen.json()["items"]} == {"G-coop", "G-young"}
    assert grant(api, f"{partner.id}.G-old", token=scoped) is None
    elsewhere = api.token("league_committee", "viewer", unit=world["other"], sub="scoped-c2")
    assert grant(api, f"{partner.id}.G-coop", token=elsewhere) is None
    bank = api.token("bank", "viewer")
    assert api.get("/api/v1/credit-grants", token=bank).status_code == 200
    assert api.get(f"/api/v1/partners/{partner.id}", token=bank).status_code == 403


def test_out_of_order_events_are_held_not_lost(api, partner):
    key = f"{partner.id}.G-ooo"
    partner.publish("loan.disbursed", {"grant_id": "G-ooo", "loan_id": "L-ooo",
                                       "amount_fen": 2_000_000, "disbursed_at": "2026-06-02",
                                       "maturity_date": "2028-06-02"})
    partner.publish("loan.repaid", {"loan_id": "L-ooo", "amount_fen": 500_000,
                                    "repaid_at": "2026-07-02T10:00:00+08:00", "settled": False})
    partner.publish("loan.overdue", {"loan_id": "L-park", "overdue_fen": 100_000,
                                     "as_of": "2026-09-01"})
    held = {("loan.disbursed", "grant"), ("loan.repaid", "grant"), ("loan.overdue", "parked")}

    def all_held() -> bool:
        waiting = api.get("/api/v1/credit-grants/waiting",
                          params={"partner_id": partner.id}).json()["items"]
        return {(w["event_type"], w["where_held"]) for w in waiting} >= held

    # the three messages may be taken in different batches: wait for all of them
    wait_until(all_held, message="the three early events held")
    assert status_of(api, key) == "awaiting_grant"
    partner.publish("credit.granted", grant_body("G-ooo"))
    wait_until(lambda: status_of(api, key) == "disbursed", message="held events applied")
    g = grant(api, key)
    assert (g["disbursed_fen"], g["outstanding_fen"], g["repaid_fen"]) == (
        2_000_000, 1_500_000, 500_000)
    assert g["waiting"] == []

    partner.publish("loan.disbursed", {"grant_id": "G-ooo", "loan_id": "L-park",
                                       "amount_fen": 1_000_000, "disbursed_at": "2026-06-15",
                                       "maturity_date": "2027-06-15"})
    wait_until(lambda: status_of(api, key) == "overdue", message="the parked overdue applied")
    overdue = api.get("/api/v1/credit-grants/overdue",
                      params={"partner_id": partner.id}).json()["items"]
    assert [(x["loan_id"], x["overdue_fen"]) for x in overdue] == [("L-park", 100_000)]
    assert api.get("/api/v1/credit-grants/waiting",
                   params={"partner_id": partner.id}).json()["items"] == []
    partner.publish("loan.repaid", {"loan_id": "L-park", "amount_fen": 1_000_000,
                                    "repaid_at": "2026-10-01", "settled": True})
    partner.publish("loan.repaid", {"loan_id": "L-ooo", "amount_fen": 1_500_000,
                                    "repaid_at": "2026-10-02", "settled": True})
    wait_until(lambda: status_of(api, key) == "settled", message="both loans settled")
    summary = api.get("/api/v1/credit-grants/summary", params={"partner_id": partner.id}).json()
    assert summary["overdue_fen"] == 0


def test_invalid_messages_are_dead_lettered_with_a_reason_and_replayed(api, partner, world):
    from services.funding import partners as cli

    before = counters(api, partner.id)
    bad_uscc = world["coop"]["uscc"][:-1] + ("0" if world["coop"]["uscc"][-1] != "0" else "1")
    partner.publish("credit.granted", grant_body("G-badcheck", {"kind": "cooperative",
                                                                "uscc": bad_uscc}))
    partner.publish("credit.granted", grant_body("G-bad", amount_fen="lots"))
    partner.publish("credit.granted", grant_body("G-nouser"), user_id=None)
    partner.publish("credit.revoked", {"grant_id": "G-x", "reason": "r",
                                       "revoked_at": "2026-01-01"},
                    routing_key=f"{partner.id}.credit.granted")
    # a cooperative org has not registered yet: an unknown beneficiary
    later_uscc = unique_uscc()
    partner.publish("credit.granted", grant_body("G-later", {"kind": "cooperative",
                                                             "uscc": later_uscc}))
    wait_until(lambda: counters(api, partner.id)["rejected"] >= before["rejected"] + 5,
               message="five rejections")
    letters = api.get(f"/api/v1/partners/{partner.id}/dead-letters",
                      params={"limit": 500}).json()["items"]
    reasons = " | ".join(x["reason"] for x in letters)
    for expected in ("user_id", "does not match type", "amount_fen", "check character",
                     "unknown beneficiary"):
        assert expected in reasons, reasons
    assert grant(api, f"{partner.id}.G-nouser") is None
    assert grant(api, f"{partner.id}.G-later") is None

    # the fix: the cooperative is registered; its grant is replayed from the dead letters
    coop = kit.cooperative(api, uscc=later_uscc, township="Later")
    wait_until(lambda: api.get(f"/api/v1/cooperatives/{coop['id']}").json()["known_by"]
               ["funding"], timeout=30, message="funding to learn the cooperative")
    moved = cli.replay_dead(partner.id)
    assert moved["replayed"] >= 5
    wait_until(lambda: status_of(api, f"{partner.id}.G-later") == "granted",
               message="the replayed grant")
    assert grant(api, f"{partner.id}.G-later")["township"] == "Later"
    wait_until(lambda: counters(api, partner.id)["by_channel"].get("replay", {})
               .get("rejected", 0) >= 4, message="the others rejected again")
    assert grant(api, f"{partner.id}.G-nouser") is None


def test_recommendation_then_grant(api, partner, world):
    grant_id = f"G-rec-{uuid.uuid4().hex[:6]}"
    r = api.post("/api/v1/credit-grants/recommendations", {
        "partner_id": partner.id, "grant_id": grant_id, "unit_id": world["other"],
        "recommended_on": "2026-03-01", "note": "pre-checked"})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "recommended"
    key = f"{partner.id}.{grant_id}"
    partner.publish("credit.granted", grant_body(grant_id))
    wait_until(lambda: status_of(api, key) == "granted", message="the recommended grant")
    assert grant(api, key)["recommended_by_unit"] == world["other"]
    assert grant(api, key)["unit_id"] == world["other"]
    again = api.post("/api/v1/credit-grants/recommendations", {
        "partner_id": partner.id, "grant_id": grant_id, "unit_id": world["other"],
        "recommended_on": "2026-03-02"})
    assert again.status_code == 409
