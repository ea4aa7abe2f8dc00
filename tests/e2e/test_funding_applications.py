"""Young entrepreneurs (致富骨干) and their credit applications through a bank, through the
public API and the bank's own broker user: the age rule, the steps in order, the message out
to the bank, the bank's grant and refusal matched to their applications, the monthly figures
per bank, bad input and bad bank messages (dead-lettered, nothing changed)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import amqp
import pytest

from eventkit.amqp_uri import connection_args
from tests.conftest import wait_until
from tests.e2e import test_gateway_kit as kit
from tests.e2e.conftest import rng
from tests.e2e.test_funding_kit import (
    Partner,
    grant_body,
    known_unit,
    onboarded_partner,
    resident_id,
)

TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
# every step of the flow tests happens last month (county time): never after today
MONTH_START = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
MONTH = MONTH_START.strftime("%Y-%m")


def on(day: int) -> str:
    return (MONTH_START + dt.timedelta(days=day - 1)).isoformat()


def years_ago(years: int, days: int = 0) -> dt.date:
    try:
        born = TODAY.replace(year=TODAY.year - years)
    except ValueError:  # 29 February
        born = TODAY.replace(year=TODAY.year - years, day=28)
    return born + dt.timedelta(days=days)


@pytest.fixture(scope="module")
def bank(platform) -> Iterator[Partner]:
    with onboarded_partner("E2E Youth Credit Bank") as onboarded:
        yield onboarded


@pytest.fixture(scope="module")
def world(api) -> dict[str, Any]:
    coop = kit.cooperative(api, township="Lizhuang", industry_category="fruit")
    root = kit.committee(api)["root_unit_id"]
    branch = known_unit(api, root, cooperative_ids=[coop["id"]])
    other = known_unit(api, root)
    wait_until(lambda: api.get(f"/api/v1/funds/{root}").status_code == 200, timeout=30,
               message="funding to learn the working committee")
    wait_until(lambda: api.get(f"/api/v1/cooperatives/{coop['id']}").json()["known_by"]
               ["funding"], timeout=30, message="funding to learn the cooperative")
    return {"coop": coop, "root": root, "branch": branch, "other": other}


def register(api, world, born: dt.date | None = None, **changes: Any):
    body = {"name": f"李青{uuid.uuid4().hex[:4]}",
            # a birth date of its own: resident_id draws its sequence from 999 numbers only
            "id_number": resident_id(born or years_ago(22, days=-rng.randint(0, 3000))),
            "phone": "13800138000",
            "cooperative_id": world["coop"]["id"], "unit_id": world["branch"]}
    body.update(changes)
    return api.post("/api/v1/credit/entrepreneurs", body), body


def entrepreneur(api, world, **changes: Any) -> dict[str, Any]:
    r, body = register(api, world, **changes)
    assert r.status_code == 201, r.text
    return {**r.json(), "id_number": body["id_number"]}


def apply(api, person: dict[str, Any], bank_id: str, token: str | None = None,
          **changes: Any):
    body = {"entrepreneur_id": person["id"], "partner_id": bank_id, "amount_fen": 5_000_000,
            "term_months": 36, "purpose": "大棚种植", "submitted_on": on(2)}
    body.update(changes)
    return api.post("/api/v1/credit/applications", body, token=token)


def step(api, app_id: str, name: str, body: dict[str, Any], **kw: Any):
    return api.post(f"/api/v1/credit/applications/{app_id}/{name}", body, **kw)


def sent_application(api, world, bank: Partner, **changes: Any) -> dict[str, Any]:
    person = entrepreneur(api, world)
    r = apply(api, person, bank.id, **changes)
    assert r.status_code == 201, r.text
    app = r.json()
    for name, body in (("precheck", {"outcome": "passed", "checked_on": on(3)}),
                       ("recommendation", {"unit_id": world["root"], "recommended_on": on(5)}),
                       ("sending", {"sent_on": on(6)})):
        r = step(api, app["id"], name, body)
        assert r.status_code == 200, r.text
    assert r.json()["status"] == "sent"
    return {**r.json(), "person": person}


def application(api, app_id: str, **kw: Any) -> dict[str, Any] | None:
    r = api.get(f"/api/v1/credit/applications/{app_id}", **kw)
    return r.json() if r.status_code == 200 else None


def status_of(api, app_id: str) -> str | None:
    found = application(api, app_id)
    return found["status"] if found else None


def feed_types(api, token: str | None, stream_id: str) -> list[str]:
    after, found = 0, []
    types = ("ApplicationSubmitted,ApplicationPrechecked,ApplicationRecommended,"
             "ApplicationSentToBank")
    while True:
        r = api.get("/api/v1/events", token=token,
                    params={"after": after, "limit": 1000, "types": types})
        assert r.status_code == 200, r.text
        page = r.json()
        found += [e["type"] for e in page["items"] if e["stream_id"] == stream_id]
        if not page["items"]:
            return found
        after = page["next_after"]


def counters(api, partner_id: str) -> dict[str, Any]:
    r = api.get(f"/api/v1/partners/{partner_id}/counters")
    assert r.status_code == 200, r.text
    return r.json()


# ------------------------------------------------------------------------------ register
def test_the_register_takes_young_entrepreneurs_under_35_only(api, world):
    young = entrepreneur(api, world, born=years_ago(35, days=1))  # 34, turning 35 tomorrow
    assert young["age"] == 34 and young["unit_id"] == world["branch"]
    assert young["id_number_masked"] == "*" * 14 + young["id_number"][-4:]
    assert young["phone_masked"] == "*******8000"
    assert young["id_number"] not in json.dumps(young | {"id_number": None})

    r, _ = register(api, world, born=years_ago(35))  # 35 today
    assert r.status_code == 422, r.text
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert "under 35" in r.json()["errors"]["id_number"][0]
    r, _ = register(api, world, born=years_ago(50))
    assert r.status_code == 422 and "under 35" in r.text

    r, _ = register(api, world, id_number=young["id_number"])  # the same person again
    assert r.status_code == 409, r.text
    assert r.json()["entrepreneur_id"] == young["id"]

    listed = api.get("/api/v1/credit/entrepreneurs",
                     params={"cooperative_id": world["coop"]["id"], "limit": 500}).json()
    assert young["id"] in {x["id"] for x in listed["items"]}
    assert young["id_number"] not in json.dumps(listed)
    # personal data: the League only; a unit-scoped token sees its own unit's people
    assert api.get("/api/v1/credit/entrepreneurs",
                   token=api.token("bank", "admin")).status_code == 403
    elsewhere = api.token("league_committee", "viewer", unit=world["other"], sub="ye-other")
    assert api.get(f"/api/v1/credit/entrepreneurs/{young['id']}",
                   token=elsewhere).status_code == 404


def test_bad_registrations_are_refused_with_4xx(api, world):
    good = resident_id(years_ago(25))
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    for changes, field in (({"id_number": bad_check}, "id_number"),
                           ({"cooperative_id": "no-such-coop"}, "cooperative_id"),
                           ({"phone": "call me"}, "phone"),
                           ({"registered_on": (TODAY + dt.timedelta(days=2)).isoformat()},
                            "registered_on"),
                           ({"nickname": "x"}, "nickname")):
        r, _ = register(api, world, **changes)
        assert r.status_code == 422, (changes, r.text)
        assert field in r.json().get("errors", {}), r.text
    r, _ = register(api, world, born=years_ago(16))  # too young to borrow (default 18)
    assert r.status_code == 422 and "at least 18" in r.text
    r, _ = register(api, world, unit_id="no-such-unit")
    assert r.status_code == 404, r.text


# ------------------------------------------------------------------------------ the flow
def test_the_steps_go_in_order_and_the_application_goes_out_to_the_bank(api, world, bank,
                                                                        platform):
    conn = amqp.Connection(**connection_args(platform["AMQP_URI"]))
    conn.connect()
    try:
        ch = conn.channel()
        ch.exchange_declare("departments.outbound", "topic", durable=True, auto_delete=False)
        queue, _, _ = ch.queue_declare("", exclusive=True)
        ch.queue_bind(queue, "departments.outbound", "bank.funding.#")
        own, _, _ = ch.queue_declare("", exclusive=True)
        ch.queue_bind(own, "departments.outbound",
                      f"{bank.id.replace('-', '_')}.funding.application_sent_to_bank")

        person = entrepreneur(api, world)
        r = apply(api, person, bank.id)
        assert r.status_code == 201, r.text
        assert r.headers["Location"].endswith(r.json()["id"])
        app = r.json()
        assert (app["status"], app["due_step"]) == ("submitted", "precheck")
        assert app["applicant_name"] == person["name"]

        # out of order: 409 naming the step that is due, nothing recorded
        for name, body in (("recommendation", {"unit_id": world["root"]}), ("sending", {})):
            r = step(api, app["id"], name, body)
            assert r.status_code == 409, r.text
            assert r.json()["due_step"] == "precheck" and "precheck" in r.json()["detail"]
        assert status_of(api, app["id"]) == "submitted"

        r = step(api, app["id"], "precheck", {"outcome": "passed", "checked_on": on(3)})
        assert r.status_code == 200 and r.json()["status"] == "prechecked", r.text
        assert step(api, app["id"], "precheck", {"outcome": "passed"}).status_code == 409
        assert step(api, app["id"], "sending", {}).json()["due_step"] == "recommendation"
        # the recommendation is the working committee's, not a branch's
        r = step(api, app["id"], "recommendation", {"unit_id": world["branch"]})
        assert r.status_code == 422 and "unit_id" in r.json()["errors"], r.text
        # a step dated before the previous one
        r = step(api, app["id"], "recommendation", {"unit_id": world["root"],
                                                    "recommended_on": on(1)})
        assert r.status_code == 422 and "recommended_on" in r.json()["errors"], r.text
        r = step(api, app["id"], "recommendation", {"unit_id": world["root"],
                                                    "recommended_on": on(5), "note": "推荐"})
        assert r.status_code == 200 and r.json()["recommended_by_unit"] == world["root"]
        r = step(api, app["id"], "sending", {"sent_on": on(6)}, headers={
            "Idempotency-Key": f"send-{app['id']}"})
        assert r.status_code == 200 and r.json()["status"] == "sent", r.text
        again = step(api, app["id"], "sending", {"sent_on": on(6)}, headers={
            "Idempotency-Key": f"send-{app['id']}"})
        assert again.status_code == 200 and again.json() == r.json()
        assert (r.json()["due_step"], r.json()["sent_on"]) == ("bank_answer", on(6))

        def received(q: str):
            def check():
                while True:
                    msg = ch.basic_get(q, no_ack=True)
                    if msg is None:
                        return None
                    body = json.loads(msg.body)
                    if body["data"].get("application_ref") == app["id"]:
                        return msg, body
            return check

        msg, body = wait_until(received(queue), timeout=30,
                               message="the application on departments.outbound")
        assert msg.delivery_info["routing_key"] == "bank.funding.application_sent_to_bank"
        assert msg.properties["type"] == "ApplicationSentToBank"
        data = body["data"]
        assert (data["partner_id"], data["amount_fen"], data["term_months"]) == (
            bank.id, 5_000_000, 36)
        assert (data["recommended_by_unit"], data["cooperative_uscc"]) == (
            world["root"], world["coop"]["uscc"])
        # no personal data goes out: the applicant brings the reference to the bank
        assert person["name"] not in msg.body and person["id_number"] not in msg.body
        own_msg, _ = wait_until(received(own), timeout=30, message="the bank's own key")
        assert own_msg.properties["message_id"].endswith(bank.id.replace("-", "_"))
        # a bank without a queue reads it in the feed (credit.read), not the League's steps
        bank_token = api.token("bank", "viewer", sub="ye-bank-feed")
        assert wait_until(lambda: feed_types(api, bank_token, f"application-{app['id']}"),
                          timeout=30, message="the bank's feed") == ["ApplicationSentToBank"]
        assert feed_types(api, None, f"application-{app['id']}") == [
            "ApplicationSubmitted", "ApplicationPrechecked", "ApplicationRecommended",
            "ApplicationSentToBank"]
    finally:
        conn.close()


def test_a_failed_precheck_declines_and_closes_the_application(api, world, bank):
    person = entrepreneur(api, world)
    app = apply(api, person, bank.id).json()
    r = step(api, app["id"], "precheck", {"outcome": "failed"})
    assert r.status_code == 422 and "note" in r.json()["errors"]  # a failure says why
    r = step(api, app["id"], "precheck", {"outcome": "failed", "note": "经营计划不完整"})
    assert r.status_code == 200 and r.json()["status"] == "declined", r.text
    r = step(api, app["id"], "recommendation", {"unit_id": world["root"]})
    assert r.status_code == 409 and "closed" in r.json()["detail"]


def test_bad_applications_are_refused_with_4xx(api, world, bank):
    person = entrepreneur(api, world)
    for changes, field in (({"amount_fen": 12.5}, "amount_fen"), ({"amount_fen": 0}, "amount_fen"),
                           ({"term_months": 0}, "term_months"), ({"purpose": ""}, "purpose"),
                           ({"partner_id": "no-such-bank"}, "partner_id"),
                           ({"entrepreneur_id": "nobody"}, "entrepreneur_id"),
                           ({"extra": 1}, "extra")):
        r = apply(api, person, bank.id, **changes)
        assert r.status_code == 422, (changes, r.text)
        assert field in r.json()["errors"], r.text
    app = apply(api, person, bank.id).json()
    assert step(api, app["id"], "precheck", {"outcome": "maybe"}).status_code == 422
    assert step(api, "no-such-application", "precheck",
                {"outcome": "passed"}).status_code == 404
    elsewhere = api.token("league_committee", "editor", unit=world["other"], sub="ye-other-e")
    assert step(api, app["id"], "precheck", {"outcome": "passed"},
                token=elsewhere).status_code == 404
    assert application(api, app["id"], token=elsewhere) is None
    bank_token = api.token("bank", "admin")
    assert apply(api, person, bank.id, token=bank_token).status_code == 403
    assert api.get("/api/v1/credit/applications", token=bank_token).status_code == 403
    for bad in ({"month": "2026-13"}, {}, {"month": MONTH, "x": "1"}):
        r = api.get("/api/v1/credit/applications/monthly", params=bad)
        assert r.status_code == 422, (bad, r.text)


# ------------------------------------------------------------------------ the bank's answer
def test_grant_and_refusal_are_matched_and_counted_per_bank(api, world):
    with onboarded_partner("E2E Youth Credit Bank") as bank:  # its own figures
        _matched_and_counted(api, world, bank)


def _matched_and_counted(api, world, bank: Partner) -> None:
    granted = sent_application(api, world, bank, amount_fen=5_000_000)
    refused = sent_application(api, world, bank, amount_fen=3_000_000)
    pending = sent_application(api, world, bank, amount_fen=2_000_000)
    before = counters(api, bank.id)

    bank.publish("credit.granted", grant_body(
        f"G-{granted['id']}", {"kind": "person", "name": granted["person"]["name"],
                               "id_number": granted["person"]["id_number"]},
        amount_fen=4_000_000, granted_at=f"{on(20)}T10:00:00+08:00",
        application_ref=granted["id"]))
    bank.publish("credit.refused", {"application_ref": refused["id"], "reason": "征信记录不足",
                                    "refused_at": on(21)})
    bank.publish("credit.granted", grant_body("G-unmatched", granted_at=on(22)))  # as today
    bank.publish("loan.disbursed", {"grant_id": f"G-{granted['id']}", "loan_id": "L-app-1",
                                    "amount_fen": 3_000_000, "disbursed_at": on(25),
                                    "maturity_date": "2030-01-01"})
    wait_until(lambda: counters(api, bank.id)["accepted"] >= before["accepted"] + 4,
               timeout=30, message="the bank's four messages accepted")

    g = application(api, granted["id"])
    assert (g["status"], g["granted_fen"], g["granted_on"]) == ("granted", 4_000_000, on(20))
    assert g["grant_key"] == f"{bank.id}.G-{granted['id']}"
    assert g["disbursed_fen"] == 3_000_000 and g["due_step"] is None
    grant = api.get(f"/api/v1/credit-grants/{g['grant_key']}").json()
    # the grant names the League's recommendation of the application
    assert (grant["status"], grant["recommended_by_unit"]) == ("disbursed", world["root"])
    r = application(api, refused["id"])
    assert (r["status"], r["refusal_reason"], r["refused_on"]) == ("refused", "征信记录不足",
                                                                   on(21))
    assert status_of(api, pending["id"]) == "sent"
    unmatched = api.get(f"/api/v1/credit-grants/{bank.id}.G-unmatched").json()
    assert unmatched["status"] == "granted"

    figures = api.get("/api/v1/credit/applications/monthly",
                      params={"month": MONTH, "partner_id": bank.id})
    assert figures.status_code == 200, figures.text
    rows = figures.json()["rows"]
    assert rows == [{"partner_id": bank.id, "partner_name": "E2E Youth Credit Bank",
                     "applications": 3, "granted": 1, "granted_fen": 4_000_000, "refused": 1,
                     "awaiting_answer": 1, "loans": 1, "disbursed_fen": 3_000_000}]
    assert figures.json()["total"]["applications"] == 3
    # the figures are the League's and the banks': a bank's token reads them (credit.read)
    as_bank = api.get("/api/v1/credit/applications/monthly", token=api.token("bank", "viewer"),
                      params={"month": MONTH, "partner_id": bank.id})
    assert as_bank.status_code == 200 and as_bank.json()["rows"] == rows
    nothing = api.get("/api/v1/credit/applications/monthly",
                      params={"month": TODAY.replace(day=1).strftime("%Y-%m"),
                              "partner_id": bank.id}).json()
    assert nothing["total"]["applications"] == 0
    scoped = api.token("league_committee", "viewer", unit=world["other"], sub="ye-fig")
    assert api.get("/api/v1/credit/applications/monthly", token=scoped,
                   params={"month": MONTH, "partner_id": bank.id}).json()["rows"] == []


def test_bad_bank_messages_are_dead_lettered_and_change_nothing(api, world, bank):
    waiting = sent_application(api, world, bank)
    answered = sent_application(api, world, bank)
    not_sent = entrepreneur(api, world)
    early = apply(api, not_sent, bank.id).json()
    bank.publish("credit.refused", {"application_ref": answered["id"], "reason": "额度已满",
                                    "refused_at": on(21)})
    wait_until(lambda: status_of(api, answered["id"]) == "refused", timeout=30,
               message="the refusal applied")
    before = counters(api, bank.id)
    stranger = resident_id(years_ago(30))
    bad = [
        ("credit.refused", {"application_ref": waiting["id"], "refused_at": on(21)}),
        ("credit.refused", {"application_ref": "no-such-application", "reason": "x",
                            "refused_at": on(21)}),
        ("credit.granted", grant_body("G-early", application_ref=early["id"])),
        ("credit.granted", grant_body("G-again", application_ref=answered["id"])),
        ("credit.granted", grant_body("G-stranger", {"kind": "person", "name": "王五",
                                                     "id_number": stranger},
                                      application_ref=waiting["id"])),
        ("credit.refused", {"application_ref": waiting["id"], "reason": "x",
                            "refused_at": "yesterday"}),
    ]
    for event_type, body in bad:
        bank.publish(event_type, body)
    wait_until(lambda: counters(api, bank.id)["rejected"] >= before["rejected"] + len(bad),
               timeout=30, message="six rejections")
    letters = api.get(f"/api/v1/partners/{bank.id}/dead-letters",
                      params={"limit": 500}).json()["items"]
    reasons = " | ".join(x["reason"] for x in letters)
    for expected in ("reason is required", "unknown application 'no-such-application'",
                     "is submitted, not awaiting", "is refused, not awaiting",
                     "not the applicant", "refused_at is not an ISO 8601"):
        assert expected in reasons, reasons
    assert stranger not in reasons
    assert counters(api, bank.id)["accepted"] == before["accepted"]
    assert status_of(api, waiting["id"]) == "sent"
    assert status_of(api, early["id"]) == "submitted"
    assert application(api, answered["id"])["grant_key"] is None
    for grant_id in ("G-early", "G-again", "G-stranger"):
        assert api.get(f"/api/v1/credit-grants/{bank.id}.{grant_id}").status_code == 404


def test_the_bank_answers_by_webhook_too(api, world, bank):
    from tests.e2e.test_funding_webhooks import send

    refused = sent_application(api, world, bank)
    granted = sent_application(api, world, bank)
    r = send(api, bank.id, {"type": "credit.refused", "application_ref": refused["id"],
                            "reason": "经营年限不足", "refused_at": on(20)}, bank.secret)
    assert r.status_code == 202 and r.json()["status"] == "applied", r.text
    assert application(api, refused["id"])["refusal_reason"] == "经营年限不足"
    # a second answer to the same application: 409 at once, nothing stored
    again = send(api, bank.id, {"type": "credit.refused", "application_ref": refused["id"],
                                "reason": "x", "refused_at": on(21)}, bank.secret)
    assert again.status_code == 409 and "not awaiting" in again.json()["detail"], again.text
    bad = send(api, bank.id, {"type": "credit.refused", "application_ref": granted["id"]},
               bank.secret)
    assert bad.status_code == 422 and "reason is required" in bad.text
    body = {"type": "credit.granted", **grant_body(
        f"W-{granted['id']}", {"kind": "person", "name": granted["person"]["name"],
                               "id_number": granted["person"]["id_number"]},
        granted_at=on(22), application_ref=granted["id"])}
    r = send(api, bank.id, body, bank.secret)
    assert r.status_code == 202 and r.json()["grant"] == f"{bank.id}.W-{granted['id']}", r.text
    assert application(api, granted["id"])["status"] == "granted"
