"""The demo's young entrepreneurs (致富骨干) and their credit applications through the banks
(issue 12 part 7). Runs after deploy/demo/funding.py (its partners and their broker users;
skipped when funding's step was).

Six young entrepreneurs of the demo cooperatives are registered through their branches; each
applies to one of the two demo banks last month. The branch pre-checks (one fails), the
working committee recommends and sends them; the banks answer over AMQP as a bank would,
echoing the application reference: two grants (with their disbursements), one refusal, two
applications still awaiting the bank's answer. Everything is keyed (Idempotency-Keys derived
from the person, message ids from the application): running the demo again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from eventkit.identifiers import make_resident_id

COUNTY_CODE = "371202"
BANKS = ("demo-agbank", "demo-ruralbank")
# name, age at the start of the year, bank (index in BANKS), amount (fen), term, purpose,
# what happens
PEOPLE = (
    ("王海涛", 29, 0, 5_000_000, 36, "扩建苹果冷库", "granted"),
    ("李春燕", 26, 0, 3_000_000, 24, "电商直播设备与包装", "refused"),
    ("张立新", 33, 1, 20_000_000, 36, "生姜深加工生产线（政府担保）", "granted"),
    ("刘晓东", 24, 1, 3_000_000, 24, "茶园滴灌改造", "sent"),
    ("陈玉兰", 31, 0, 4_000_000, 36, "黑猪养殖圈舍", "sent"),
    ("赵志强", 22, 1, 5_000_000, 36, "农机购置", "declined"),
)


def _key(*parts: Any) -> str:
    return "demo-credit-app-" + "-".join(str(p) for p in parts)


def load(client, state: dict) -> None:
    from deploy.demo.funding import _publisher

    today = dt.date.today()
    start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # last month

    def day(n: int) -> str:
        return (start + dt.timedelta(days=n - 1)).isoformat()

    root = state.get("committee_id")
    coops = state.get("cooperatives") or []
    branches = [u for u in state.get("units") or []
                if u["kind"] in ("branch", "joint_branch", "general_branch")]
    creds = state.get("partner_creds") or {}
    if not root or not coops or not branches or not all(bank in creds for bank in BANKS):
        # e.g. DEMO_SKIP=funding (make bench): the banks' shared broker users are left alone
        print("demo: credit applications skipped (no committee, cooperatives, branches or"
              " banks onboarded by deploy/demo/funding.py)")
        return
    people: list[dict[str, Any]] = []
    for i, (name, age, bank_index, amount, term, purpose, outcome) in enumerate(PEOPLE):
        bank = BANKS[bank_index]
        born = dt.date(today.year - age - 1, 3 + i, 5 + i)
        id_number = make_resident_id(COUNTY_CODE, born, f"{21 + 2 * i:03d}")
        body = {"name": name, "id_number": id_number, "phone": f"1380634{5100 + i:04d}",
                "cooperative_id": coops[i % len(coops)]["id"],
                "unit_id": branches[i % len(branches)]["id"]}
        found = client.post("/credit/entrepreneurs", body,
                            _key("person", id_number, body["cooperative_id"], body["unit_id"]),
                            expect=(201, 409))
        person_id = found.get("entrepreneur_id") or found["id"]  # 409: registered before
        app = client.post("/credit/applications", {
            "entrepreneur_id": person_id, "partner_id": bank, "amount_fen": amount,
            "term_months": term, "purpose": purpose, "submitted_on": day(2 + i)},
            _key("apply", id_number, bank, start.isoformat()))
        steps = [("precheck", {"outcome": "failed" if outcome == "declined" else "passed",
                               "checked_on": day(4 + i),
                               "note": "经营计划尚不成熟，建议参加创业培训后再申请"
                               if outcome == "declined" else "材料齐全，经营稳定"})]
        if outcome != "declined":
            steps += [("recommendation", {"unit_id": root, "recommended_on": day(8 + i),
                                          "note": "团工委推荐：青年致富带头人"}),
                      ("sending", {"sent_on": day(9 + i)})]
        for step, step_body in steps:
            app = client.post(f"/credit/applications/{app['id']}/{step}", step_body,
                              _key(step, app["id"]))
        people.append({"id_number": id_number, "name": name, "bank": bank, "amount": amount,
                       "term": term, "purpose": purpose, "outcome": outcome, "app": app, "i": i})

    publishers = {bank: _publisher(bank, creds) for bank in BANKS}
    try:
        for p in people:
            app_id, pub = p["app"]["id"], publishers[p["bank"]]
            if p["outcome"] == "granted" and p["app"]["status"] == "sent":
                grant_id = f"APP-{app_id[:12]}"
                pub.send("credit.granted", f"{p['bank']}-app-g-{app_id}", {
                    "grant_id": grant_id, "application_ref": app_id,
                    "beneficiary": {"kind": "person", "name": p["name"],
                                    "id_number": p["id_number"]},
                    "amount_fen": p["amount"], "term_months": p["term"],
                    "annual_rate_bp": 435,
                    "guarantee": "guarantee_fund" if p["amount"] > 5_000_000 else "credit",
                    "purpose": p["purpose"], "granted_at": f"{day(18 + p['i'])}T10:00:00+08:00"})
                pub.send("loan.disbursed", f"{p['bank']}-app-d-{app_id}", {
                    "grant_id": grant_id, "loan_id": f"L-{app_id[:12]}",
                    "amount_fen": p["amount"], "disbursed_at": day(22 + p["i"]),
                    "maturity_date": (start + dt.timedelta(days=365 * p["term"] // 12))
                    .isoformat()})
            elif p["outcome"] == "refused" and p["app"]["status"] == "sent":
                pub.send("credit.refused", f"{p['bank']}-app-r-{app_id}", {
                    "application_ref": app_id, "reason": "征信记录不足，建议补充担保后再申请",
                    "refused_at": day(20 + p["i"])})
    finally:
        for pub in publishers.values():
            pub.close()

    answered = {p["app"]["id"] for p in people if p["outcome"] in ("granted", "refused")}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        statuses = {a: client.get(f"/credit/applications/{a}")["status"] for a in answered}
        if all(s in ("granted", "refused") for s in statuses.values()):
            break
        time.sleep(0.5)
    figures = client.get(f"/credit/applications/monthly?month={start.strftime('%Y-%m')}")
    total = figures["total"]
    print(f"demo: credit applications: {len(people)} young entrepreneurs, "
          f"{total['applications']} applications sent to banks in {figures['month']}: "
          f"{total['granted']} granted ({total['granted_fen'] // 100} yuan), "
          f"{total['refused']} refused, {total['awaiting_answer']} awaiting the bank, "
          f"{total['disbursed_fen'] // 100} yuan disbursed")
    state["credit_applications"] = {"people": len(people), **total}
