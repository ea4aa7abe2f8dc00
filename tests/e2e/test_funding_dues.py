"""Dues, arrears, remittance rule versions and the rebate as the unit's income."""

from __future__ import annotations

import uuid

from tests.e2e.conftest import rng as random
from tests.e2e.test_funding_kit import known_member, known_unit


def month_after(month: str, n: int = 1) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def test_dues_payments_paid_up_to_and_arrears(api):
    unit = known_unit(api)
    payer = known_member(api, unit)
    idle = known_member(api, unit)
    young = known_member(api, unit, kind="young_person")

    r = api.post("/api/v1/dues/accounts", {"member_id": payer["id"], "category": "with_income",
                                           "income_fen": 150_000, "from_month": "2026-01"})
    assert r.status_code == 201, r.text
    assert r.json()["category"] == "with_income" and r.json()["paid_up_to"] is None
    r = api.post("/api/v1/dues/accounts", {"member_id": young["id"], "category": "student",
                                           "from_month": "2026-01"})
    assert r.status_code == 409  # only League members pay dues
    assert api.post("/api/v1/dues/accounts", {"member_id": "nobody", "category": "student",
                                              "from_month": "2026-01"}).status_code == 404

    pay = f"/api/v1/dues/accounts/{payer['id']}/payments"
    wrong = api.post(pay, {"from_month": "2026-01", "to_month": "2026-03", "amount_fen": 600,
                           "paid_on": "2026-03-10"})
    assert wrong.status_code == 409 and wrong.json()["due_fen"] == 900
    gap = api.post(pay, {"from_month": "2026-02", "to_month": "2026-03", "amount_fen": 600,
                         "paid_on": "2026-03-10"})
    assert gap.status_code == 409 and gap.json()["first_unpaid_month"] == "2026-01"
    r = api.post(pay, {"from_month": "2026-01", "to_month": "2026-03", "amount_fen": 900,
                       "paid_on": "2026-03-10"})
    assert r.status_code == 201, r.text
    payment = r.json()
    assert [line["rule_version"] for line in payment["breakdown"]] == ["2016"] * 3
    account = api.get(f"/api/v1/dues/accounts/{payer['id']}").json()
    assert account["paid_up_to"] == "2026-03" and account["total_paid_fen"] == 900

    r = api.post(f"{pay}/{payment['payment_id']}/reversal",
                 {"reason": "bounced", "reversed_on": "2026-03-20"})
    assert r.status_code == 200 and r.json()["reversed"] is True
    assert api.get(f"/api/v1/dues/accounts/{payer['id']}").json()["paid_up_to"] is None
    assert api.post(pay, {"from_month": "2026-01", "to_month": "2026-02", "amount_fen": 600,
                          "paid_on": "2026-03-21"}).status_code == 201

    r = api.post("/api/v1/dues/accounts", {"member_id": idle["id"], "category": "student",
                                           "from_month": "2010-01"})
    assert r.status_code == 409, r.text  # no dues rule covers 2010: it could never be paid
    assert api.post("/api/v1/dues/accounts", {"member_id": idle["id"], "category": "student",
                                              "from_month": "2025-01"}).status_code == 201
    arrears = api.get("/api/v1/dues/arrears", params={"unit_id": unit, "month": "2026-08"})
    assert arrears.status_code == 200, arrears.text
    found = {a["member_id"]: a["months_in_arrears"] for a in arrears.json()["items"]}
    assert found == {idle["id"]: 19}  # the payer (paid up to 2026-02) is 5 months behind
    later = api.get("/api/v1/dues/arrears", params={"unit_id": unit, "month": "2026-09"})
    assert [(a["member_id"], a["months_in_arrears"]) for a in later.json()["items"]] == [
        (idle["id"], 20), (payer["id"], 6)]

    other = known_unit(api)
    scoped = api.token("league_committee", "editor", unit=other, sub="scoped-dues")
    assert api.get(f"/api/v1/dues/accounts/{payer['id']}", token=scoped).status_code == 404
    assert api.get("/api/v1/dues/arrears", token=scoped,
                   params={"month": "2026-10"}).json()["items"] == []
    assert api.post(pay, {"from_month": "2026-03", "to_month": "2026-03", "amount_fen": 300,
                          "paid_on": "2026-04-01"}, token=scoped).status_code == 404


def free_months(api, path: str, years: range, run: int) -> str:
    """A month M such that no rule of `path` starts in M..M+run-1 (the rule book is shared
    by every test of the instance, the API fuzzer included)."""
    taken = {r["effective_from"] for r in api.get(path).json()["items"]}
    free = [f"{year:04d}-{m:02d}" for year in years for m in range(1, 13)
            if not taken & {month_after(f"{year:04d}-{m:02d}", i) for i in range(run)}]
    assert free, f"every month of {years} is taken in {path}"
    return random.choice(free)


def test_remittance_rules_are_versioned_and_the_rebate_is_income(api):
    # months under the 2016 dues rule (dues rules never start in the past)
    start = free_months(api, "/api/v1/dues/remittance-rules", range(2016, 2026), 4)
    first = f"p-{uuid.uuid4().hex[:6]}"
    r = api.post("/api/v1/dues/remittance-rules", {"version": first, "effective_from": start,
                                                   "retained_bp": 3000, "rebate_bp": 2000})
    assert r.status_code == 201, r.text
    unit = known_unit(api)
    member = known_member(api, unit)
    assert api.post("/api/v1/dues/accounts", {"member_id": member["id"], "category": "with_income",
                                              "income_fen": 150_000,
                                              "from_month": start}).status_code == 201
    assert api.post(f"/api/v1/dues/accounts/{member['id']}/payments",
                    {"from_month": start, "to_month": start, "amount_fen": 300,
                     "paid_on": "2026-01-05"}).status_code == 201

    r = api.post("/api/v1/dues/remittances", {"unit_id": unit, "period_from": start,
                                              "period_to": start, "received_on": "2026-02-01"})
    assert r.status_code == 201, r.text
    remittance = r.json()
    assert (remittance["collected_fen"], remittance["retained_fen"], remittance["rebate_fen"],
            remittance["remitted_fen"], remittance["kept_above_fen"]) == (300, 90, 60, 210, 150)
    assert remittance["rule_version"] == first
    entry = api.get(f"/api/v1/funds/{unit}/entries/{remittance['rebate_entry_id']}").json()
    assert (entry["source"], entry["amount_fen"]) == ("dues_rebate", 60)
    assert api.get(f"/api/v1/funds/{unit}").json()["balance_fen"] == 60

    second = f"p-{uuid.uuid4().hex[:6]}"
    r = api.post("/api/v1/dues/remittance-rules", {"version": second,
                                                   "effective_from": month_after(start),
                                                   "retained_bp": 4000, "rebate_bp": 1000})
    assert r.status_code == 201, r.text
    past = api.get("/api/v1/dues/remittances", params={"unit_id": unit}).json()["items"]
    assert [(x["rule_version"], x["rebate_fen"]) for x in past] == [(first, 60)]
    r = api.post("/api/v1/dues/remittances", {"unit_id": unit, "period_from": month_after(start),
                                              "period_to": month_after(start, 2),
                                              "collected_fen": 10_001,
                                              "received_on": "2026-05-01"})
    assert r.status_code == 201, r.text
    assert (r.json()["rule_version"], r.json()["rebate_fen"]) == (second, 1000)
    overlap = api.post("/api/v1/dues/remittances", {"unit_id": unit, "period_from": start,
                                                    "period_to": start, "collected_fen": 5,
                                                    "received_on": "2026-05-01"})
    assert overlap.status_code == 409
    assert api.post("/api/v1/dues/remittance-rules", {
        "version": first, "effective_from": "2099-01", "retained_bp": 1,
        "rebate_bp": 1}).status_code == 409  # a version is never redefined
    report = api.get("/api/v1/funds/reports/income", params={"unit_id": unit}).json()
    assert report["by_source"]["dues_rebate"] == 1060


def test_dues_rule_versions(api):
    rules = api.get("/api/v1/dues/rules").json()["items"]
    assert rules[0]["version"] == "2016" and rules[0]["default"] is True
    assert (rules[0]["below_threshold_fen"], rules[0]["per_mille"], rules[0]["reduced_fen"]) \
        == (300, 2, 20)
    # Far ahead, with the 2016 figures but for incomes above the threshold: the rule book is
    # shared by every test of this instance.
    month = free_months(api, "/api/v1/dues/rules", range(2200, 3000), 1)
    body = {"version": f"d-{uuid.uuid4().hex[:6]}", "effective_from": month,
            "threshold_fen": 200_000, "below_threshold_fen": 300, "per_mille": 3,
            "reduced_fen": 20, "reduced_categories": ["student", "unemployed", "on_relief",
                                                      "farmer_without_salary"],
            "exempt_categories": ["party_member_exempt"]}
    r = api.post("/api/v1/dues/rules", body)
    assert r.status_code == 201, r.text
    assert r.json()["per_mille"] == 3 and r.json()["default"] is False
    assert api.post("/api/v1/dues/rules", {**body, "version": "x" + body["version"],
                                           "effective_from": "2020-01"}).status_code == 409
    assert api.post("/api/v1/dues/rules", {**body, "version": "y" + body["version"]}
                    ).status_code == 409  # two rules in one month
    assert body["version"] in {x["version"] for x in api.get("/api/v1/dues/rules").json()["items"]}
