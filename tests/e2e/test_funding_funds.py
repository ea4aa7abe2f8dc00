"""Funds of a unit through the gateway: ledger, 409 below zero, reversals, reports, scope."""

from __future__ import annotations

import pytest

from tests.e2e import test_gateway_kit as kit
from tests.e2e.test_funding_kit import known_unit, unique_uscc


@pytest.fixture(scope="module")
def units(api) -> dict[str, str]:
    root = kit.committee(api)["root_unit_id"]
    return {"root": root, "a": known_unit(api, root), "b": known_unit(api, root)}


def post(api, unit: str, what: str, body: dict, **kw):
    return api.post(f"/api/v1/funds/{unit}/{what}", body, **kw)


def fund(api, unit: str, **kw) -> dict:
    r = api.get(f"/api/v1/funds/{unit}", **kw)
    assert r.status_code == 200, r.text
    return r.json()


def pools(api, unit: str) -> dict:
    return {e["earmark"]: e["available_fen"] for e in fund(api, unit)["earmarks"]}


def test_the_ledger_never_goes_below_zero_and_corrects_by_reversal(api, units):
    u = units["a"]
    uscc = unique_uscc()
    r = post(api, u, "pledges", {"source": "enterprise_sponsorship", "payer_name": "Dragon Co",
                                 "payer_uscc": uscc, "agreement_ref": "AGR-1",
                                 "amount_fen": 100_000, "earmark": "training",
                                 "pledged_on": "2026-01-10"})
    assert r.status_code == 201, r.text
    pledge = r.json()["entry"]
    assert r.headers["Location"] == f"/api/v1/funds/{u}/entries/{pledge['entry_id']}"
    assert api.get(r.headers["Location"]).json()["payer_uscc"] == uscc
    assert fund(api, u)["balance_fen"] == 0  # a pledge moves no money

    r = post(api, u, "receipts", {"receipt_number": "R-001", "amount_fen": 60_000,
                                  "received_on": "2026-01-20", "pledge_id": pledge["entry_id"]})
    assert r.status_code == 201, r.text
    assert r.json()["entry"]["source"] == "enterprise_sponsorship"
    r = post(api, u, "receipts", {"receipt_number": "R-002", "amount_fen": 50_000,
                                  "received_on": "2026-02-01", "source": "government_allocation"})
    assert r.status_code == 201, r.text
    standalone = r.json()["entry"]
    assert pools(api, u) == {None: 50_000, "training": 60_000}

    before = fund(api, u)
    expense = {"approved_by": "Secretary Liu", "invoice_number": "INV-9", "amount_fen": 70_000,
               "spent_on": "2026-02-10"}
    r = post(api, u, "expenses", expense)
    assert r.status_code == 409, r.text
    assert r.json()["available_fen"] == 50_000
    assert fund(api, u) == before, "a refused expense stored something"
    r = post(api, u, "expenses", {**expense, "amount_fen": 40_000, "earmark": "travel"})
    assert r.status_code == 409  # an earmark with no money
    assert post(api, u, "expenses", {**expense, "amount_fen": 30_000}).status_code == 201

    r = post(api, u, "allocations", {"activity_id": "act-1", "amount_fen": 50_000,
                                     "allocated_on": "2026-03-01", "earmark": "training"})
    assert r.status_code == 201, r.text
    allocation = r.json()["entry"]["entry_id"]
    r = post(api, u, "expenses", {**expense, "amount_fen": 40_000, "invoice_number": "INV-10",
                                  "allocation_id": allocation, "spent_on": "2026-03-05"})
    assert r.status_code == 201, r.text
    r = api.post(f"/api/v1/funds/{u}/allocations/{allocation}/release",
                 {"released_on": "2026-03-31"})
    assert r.status_code == 201, r.text
    assert r.json()["entry"]["amount_fen"] == 10_000
    view = fund(api, u)
    assert pools(api, u) == {None: 20_000, "training": 20_000}
    assert view["cash_fen"] == 60_000 + 50_000 - 30_000 - 40_000

    # the general pool holds 20,000: reversing the 50,000 receipt would take it below zero
    r = post(api, u, "reversals", {"reverses_entry_id": standalone["entry_id"],
                                   "reason": "typo", "reversed_on": "2026-04-01"})
    assert r.status_code == 409, r.text
    r = post(api, u, "receipts", {"receipt_number": "R-003", "amount_fen": 30_000,
                                  "received_on": "2026-04-01", "source": "aid_unit_support"})
    assert r.status_code == 201
    r = post(api, u, "reversals", {"reverses_entry_id": standalone["entry_id"],
                                   "reason": "entered twice", "reversed_on": "2026-04-02"})
    assert r.status_code == 201, r.text
    assert pools(api, u)[None] == 0
    entries = api.get(f"/api/v1/funds/{u}/entries", params={"limit": 500}).json()["items"]
    original = next(e for e in entries if e["entry_id"] == standalone["entry_id"])
    assert original["reversed_by"] == r.json()["entry"]["entry_id"]  # never edited otherwise
    assert original["amount_fen"] == 50_000
    r = post(api, u, "reversals", {"reverses_entry_id": standalone["entry_id"],
                                   "reason": "again", "reversed_on": "2026-04-03"})
    assert r.status_code == 409

    s = api.get(f"/api/v1/funds/{u}/settlement", params={"year": 2026}).json()
    assert s["opening_fen"] + s["income_fen"] - s["expense_fen"] == s["closing_fen"]
    assert s["closing_fen"] == fund(api, u)["balance_fen"]
    assert s["income_by_source"]["government_allocation"] == 0  # received and reversed
    assert s["income_by_source"]["enterprise_sponsorship"] == 60_000

    report = api.get("/api/v1/funds/reports/income", params={"year": 2026, "unit_id": u}).json()
    assert report["by_source"]["enterprise_sponsorship"] == 60_000
    assert report["by_source"]["aid_unit_support"] == 30_000
    assert {(row["unit_id"], row["year"]) for row in report["rows"]} == {(u, 2026)}

    pledges = api.get("/api/v1/funds/reports/pledges-outstanding",
                      params={"unit_id": u}).json()["items"]
    assert [(p["pledge_id"], p["outstanding_fen"]) for p in pledges] == [
        (pledge["entry_id"], 40_000)]


def test_bad_input_is_422_and_a_repeated_key_changes_nothing(api, units):
    u = units["b"]
    body = {"receipt_number": "K-1", "amount_fen": 1_000, "received_on": "2026-05-01",
            "source": "cooperative_self_funding"}
    assert post(api, u, "receipts", {**body, "amount_fen": 10.5}).status_code == 422
    assert post(api, u, "receipts", {**body, "colour": "red"}).status_code == 422
    r = post(api, u, "receipts", {**body, "source": None})
    assert r.status_code == 422 and "source" in r.json()["errors"]
    r = post(api, u, "pledges", {"source": "enterprise_sponsorship", "payer_name": "X",
                                 "agreement_ref": "A", "amount_fen": 5, "pledged_on": "2026-01-01"})
    assert r.status_code == 422 and "payer_uscc" in r.json()["errors"]
    first = post(api, u, "receipts", body, headers={"Idempotency-Key": "funds-k1-" + u})
    again = post(api, u, "receipts", body, headers={"Idempotency-Key": "funds-k1-" + u})
    assert first.status_code == again.status_code == 201
    assert first.json()["entry"] == again.json()["entry"]
    assert fund(api, u)["balance_fen"] == 1_000
    assert post(api, u, "receipts", body).status_code == 409  # the same receipt number
    assert api.get("/api/v1/funds/no-such-unit").status_code == 404


def test_a_token_scoped_to_a_unit_sees_and_writes_only_its_funds(api, units):
    scoped = api.token("league_committee", "editor", unit=units["a"], sub="scoped-funds")
    assert api.get(f"/api/v1/funds/{units['a']}", token=scoped).status_code == 200
    assert api.get(f"/api/v1/funds/{units['b']}", token=scoped).status_code == 404
    listed = api.get("/api/v1/funds", token=scoped, params={"limit": 500}).json()["items"]
    assert {f["unit_id"] for f in listed} == {units["a"]}
    before = fund(api, units["b"])
    r = post(api, units["b"], "receipts", {"receipt_number": "S-1", "amount_fen": 5,
                                           "received_on": "2026-01-01",
                                           "source": "aid_unit_support"}, token=scoped)
    assert r.status_code == 404
    assert fund(api, units["b"]) == before
    report = api.get("/api/v1/funds/reports/income", token=scoped).json()
    assert {row["unit_id"] for row in report["rows"]} <= {units["a"]}
    assert api.get(f"/api/v1/funds/{units['b']}/settlement", params={"year": 2026},
                   token=scoped).status_code == 404
    viewer = api.token("finance", "viewer")
    assert api.get(f"/api/v1/funds/{units['a']}", token=viewer).status_code == 200
    assert post(api, units["a"], "receipts", {}, token=viewer).status_code == 403
