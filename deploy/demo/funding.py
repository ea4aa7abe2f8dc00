"""The demo's funding part: partners, a year of credit grants, funds, dues, venues.

Runs after deploy/demo/org.py (uses state["units"], state["cooperatives"], state["members"]).
Two banks and the county supply co-op are onboarded with the partners CLI's functions (their
broker users and webhook secrets); the banks push a year of grants, loans, repayments and
overdue notices over AMQP as a bank would (each with its own broker user), the supply co-op
by signed webhooks. Funds, dues, remittances and venues go through the REST API.
Everything is keyed (message ids, Idempotency-Keys): running the demo again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from typing import Any

import amqp
import requests

from deploy.demo.client import DemoError
from eventkit.amqp_uri import connection_args
from eventkit.identifiers import make_resident_id, make_uscc

PARTNERS = (
    ("demo-agbank", "中国农业银行莱城支行", "bank"),
    ("demo-ruralbank", "莱城农村商业银行", "bank"),
    ("demo-supplycoop", "莱城区供销合作社", "supply_coop"),
)
COUNTY_CODE = "371202"
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = ("建国", "海燕", "志强", "春梅", "晓东", "丽娟", "永刚", "玉兰", "立新", "秀云", "国栋")
_ENTERPRISES = ("鲁中果业有限公司", "泰山茶业有限公司", "汶河生姜食品有限公司", "莱芜黑猪产业集团")
GUARANTEES = ("credit", "guarantee_fund", "guarantor", "joint", "mortgage")


def _key(*parts: Any) -> str:
    return "demo-funding-" + "-".join(str(p) for p in parts)


def _roll(*parts: Any) -> int:
    """A stable pseudo-random number 0-999 (the same on every run)."""
    return int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:8], 16) % 1000


def _months(today: dt.date) -> list[tuple[int, int]]:
    """The twelve months before this one."""
    out = []
    year, month = today.year, today.month
    for _ in range(12):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append((year, month))
    return list(reversed(out))


# ---------------------------------------------------------------- partners
def _onboard(state: dict) -> dict[str, dict[str, str]]:
    """Onboard (or, on a second run, give a new password and webhook secret to) each partner."""
    from services.funding import partners

    out = {}
    for partner_id, name, kind in PARTNERS:
        try:
            onboarded = partners.add(partner_id, name, kind)
            out[partner_id] = {"password": onboarded.password,
                               "secret": onboarded.webhook_secret, "uri": onboarded.amqp_uri}
        except partners.PartnerError as exc:
            if "exists" not in str(exc):
                raise
            password = partners.reset_password(partner_id)
            secret = partners.rotate_secret(partner_id, grace_seconds=3600)
            out[partner_id] = {"password": password, "secret": secret,
                               "uri": partners.partner_amqp_uri(partner_id, password)}
    state["partners"] = [p[0] for p in PARTNERS]
    return out


class Publisher:
    """Publishes as one partner, with pipelined publisher confirms (as a bank would)."""

    def __init__(self, partner_id: str, uri: str) -> None:
        self.partner_id = partner_id
        self.conn = amqp.Connection(**connection_args(uri))
        self.conn.connect()
        self.channel = self.conn.channel()
        self.channel.confirm_select()
        self.sent = 0
        self.acked = 0
        self.channel.events["basic_ack"].add(self._ack)

    def _ack(self, tag: int, multiple: bool) -> None:
        self.acked = max(self.acked, tag)

    def send(self, event_type: str, message_id: str, body: dict[str, Any]) -> None:
        self.channel.basic_publish(
            amqp.Message(json.dumps(body), content_type="application/json", delivery_mode=2,
                         message_id=message_id, type=event_type, user_id=self.partner_id,
                         timestamp=int(time.time())),
            exchange="partners.inbound", routing_key=f"{self.partner_id}.{event_type}")
        self.sent += 1

    def close(self) -> None:
        deadline = time.monotonic() + 60
        while self.acked < self.sent and time.monotonic() < deadline:
            try:
                self.conn.drain_events(timeout=1)
            except TimeoutError:
                continue
        self.conn.close()


def _publisher(partner_id: str, creds: dict[str, dict[str, str]]) -> Publisher:
    """A broker user is global to the broker: a demo loaded meanwhile into another instance
    on it (another vhost) gives the same demo partner a new password. Take it back."""
    from services.funding import partners

    for _attempt in range(3):
        try:
            return Publisher(partner_id, creds[partner_id]["uri"])
        except amqp.exceptions.AccessRefused:
            password = partners.reset_password(partner_id)
            creds[partner_id]["uri"] = partners.partner_amqp_uri(partner_id, password)
    return Publisher(partner_id, creds[partner_id]["uri"])


def _grants(client, state: dict, creds: dict[str, dict[str, str]], today: dt.date) -> dict:
    coops = state.get("cooperatives") or []
    branches = [u for u in state.get("units") or []
                if u["kind"] in ("branch", "joint_branch", "general_branch")]
    tally = {"grants": 0, "loans": 0, "overdue": 0, "webhooks": 0}
    for partner_id, _, kind in PARTNERS:
        if kind != "bank":
            continue
        pub = _publisher(partner_id, creds)
        n = 0
        for year, month in _months(today):
            for k in range(8 if partner_id == "demo-agbank" else 6):
                n += 1
                grant_id = f"{year}{month:02d}-{k:02d}"
                roll = _roll(partner_id, grant_id)
                granted_on = dt.date(year, month, 1 + roll % 27)
                if coops and roll % 3 == 0:
                    coop = coops[roll % len(coops)]
                    beneficiary: dict[str, Any] = {"kind": "cooperative", "uscc": coop["uscc"]}
                    amount = (200_000 + roll * 1_000) * 100
                else:
                    born = dt.date(1988 + roll % 16, 1 + roll % 12, 1 + roll % 28)
                    name = _SURNAMES[n % len(_SURNAMES)] + _GIVEN[(n * 3) % len(_GIVEN)]
                    beneficiary = {"kind": "person", "name": name,
                                   "id_number": make_resident_id(COUNTY_CODE, born,
                                                                 f"{roll % 1000:03d}")}
                    amount = (30_000 + (roll % 5) * 5_000) * 100
                body = {"grant_id": grant_id, "beneficiary": beneficiary, "amount_fen": amount,
                        "term_months": (12, 24, 36)[roll % 3], "annual_rate_bp": 385 + roll % 90,
                        "guarantee": GUARANTEES[roll % len(GUARANTEES)],
                        "purpose": ("greenhouses", "tea processing", "cold storage",
                                    "e-commerce shop", "breeding stock")[roll % 5],
                        "granted_at": granted_on.isoformat()}
                if branches and roll % 4 == 1:
                    body["recommended_by_unit"] = branches[roll % len(branches)]["id"]
                loan = {"grant_id": grant_id, "loan_id": f"L{grant_id}",
                        "amount_fen": amount if roll % 2 else amount // 2,
                        "disbursed_at": (granted_on + dt.timedelta(days=5)).isoformat(),
                        "maturity_date": (granted_on + dt.timedelta(days=365)).isoformat()}
                out_of_order = roll % 17 == 0  # the bank's systems send the loan first
                if out_of_order:
                    pub.send("loan.disbursed", f"{partner_id}-d-{grant_id}", loan)
                pub.send("credit.granted", f"{partner_id}-g-{grant_id}", body)
                tally["grants"] += 1
                if roll % 10 < 8:
                    if not out_of_order:
                        pub.send("loan.disbursed", f"{partner_id}-d-{grant_id}", loan)
                    tally["loans"] += 1
                    paid_on = granted_on + dt.timedelta(days=95)
                    if paid_on < today and roll % 5 < 3:
                        pub.send("loan.repaid", f"{partner_id}-r-{grant_id}", {
                            "loan_id": loan["loan_id"], "amount_fen": loan["amount_fen"] // 4,
                            "repaid_at": paid_on.isoformat(), "settled": False})
                    if roll % 13 == 0:
                        pub.send("loan.overdue", f"{partner_id}-o-{grant_id}", {
                            "loan_id": loan["loan_id"], "overdue_fen": loan["amount_fen"] // 10,
                            "as_of": (granted_on + dt.timedelta(days=120)).isoformat()})
                        tally["overdue"] += 1
                elif roll % 10 == 9:
                    pub.send("credit.revoked", f"{partner_id}-x-{grant_id}", {
                        "grant_id": grant_id, "reason": "申请人撤回申请",
                        "revoked_at": (granted_on + dt.timedelta(days=20)).isoformat()})
        pub.close()
    tally["webhooks"] = _supply_coop_webhooks(client, creds["demo-supplycoop"]["secret"],
                                              coops, today)
    return tally


def _supply_coop_webhooks(client, secret: str, coops: list[dict[str, Any]],
                          today: dt.date) -> int:
    """The supply co-op has no AMQP: it pushes its input-credit grants by signed webhooks."""
    from services.funding import webhooks

    sent = 0
    for i, (year, month) in enumerate(_months(today)):
        if not coops:
            break
        coop = coops[(i * 7) % len(coops)]
        grant_id = f"SC-{year}{month:02d}"
        body = {"type": "credit.granted", "grant_id": grant_id,
                "beneficiary": {"kind": "cooperative", "uscc": coop["uscc"]},
                "amount_fen": (50_000 + i * 5_000) * 100, "term_months": 12,
                "annual_rate_bp": 0, "guarantee": "credit",
                "purpose": "赊购化肥和种子",
                "granted_at": dt.date(year, month, 10).isoformat()}
        raw = json.dumps(body).encode()
        headers = webhooks.headers(secret, f"demo-supplycoop-{grant_id}", int(time.time()), raw)
        r = requests.post(f"{client.base}/api/v1/partners/demo-supplycoop/events", data=raw,
                          headers={**headers, "Content-Type": "application/json"}, timeout=30)
        if r.status_code != 202:
            raise RuntimeError(f"supply co-op webhook -> {r.status_code}: {r.text[:300]}")
        sent += 1
    return sent


# ---------------------------------------------------------------- funds, dues, venues
def _wait_known(client, unit_ids: list[str], deadline_s: float = 180.0) -> None:
    """funding learns units from org's events: wait until it knows these."""
    deadline = time.monotonic() + deadline_s
    pending = list(unit_ids)
    while pending and time.monotonic() < deadline:
        r = requests.get(f"{client.base}/api/v1/funds/{pending[0]}", timeout=10,
                         headers={"Authorization": f"Bearer {client.token}"})
        if r.status_code == 200:
            pending.pop(0)
        else:
            time.sleep(0.5)
    if pending:
        raise RuntimeError(f"funding does not know {len(pending)} units yet")


def _funds(client, units: list[dict[str, Any]], today: dt.date) -> int:
    year = today.year - 1
    entries = 0
    for i, unit in enumerate(units):
        u = unit["id"]

        def post(what: str, body: dict[str, Any], n: int, u: str = u) -> dict[str, Any]:
            return client.post(f"/funds/{u}/{what}", body, _key("fund", u, what, n))["entry"]

        sponsor = make_uscc("91", COUNTY_CODE, f"{10_000_000 + i:08d}")
        pledge = post("pledges", {"source": "enterprise_sponsorship",
                                  "payer_name": f"莱城区{_ENTERPRISES[i % len(_ENTERPRISES)]}",
                                  "payer_uscc": sponsor, "agreement_ref": f"SP-{year}-{i + 1}",
                                  "amount_fen": 2_000_000, "earmark": "training",
                                  "pledged_on": f"{year}-02-15"}, 1)
        post("receipts", {"receipt_number": f"R{year}-{i + 1}-1", "amount_fen": 1_500_000,
                          "received_on": f"{year}-03-20", "pledge_id": pledge["entry_id"]}, 2)
        post("receipts", {"receipt_number": f"R{year}-{i + 1}-2", "amount_fen": 800_000,
                          "received_on": f"{year}-04-02", "source": "aid_unit_support",
                          "payer_name": "莱城区农业农村局"}, 3)
        post("receipts", {"receipt_number": f"R{year}-{i + 1}-3", "amount_fen": 300_000,
                          "received_on": f"{year}-05-12", "source": "cooperative_self_funding",
                          "payer_name": "成员合作社"}, 4)
        allocation = post("allocations", {"activity_id": f"demo-activity-{i}",
                                          "amount_fen": 1_000_000, "earmark": "training",
                                          "allocated_on": f"{year}-06-01",
                                          "note": "skills training"}, 5)
        post("expenses", {"approved_by": "团支部书记", "invoice_number": f"F{year}-{i}-1",
                          "amount_fen": 850_000, "spent_on": f"{year}-06-20",
                          "allocation_id": allocation["entry_id"],
                          "description": "培训讲师费和资料费"}, 6)
        post("expenses", {"approved_by": "团支部书记", "invoice_number": f"F{year}-{i}-2",
                          "amount_fen": 400_000, "spent_on": f"{year}-09-10",
                          "description": "考察交流租车费"}, 7)
        entries += 7
    return entries


def _dues(client, members: list[dict[str, Any]], units: list[dict[str, Any]],
          today: dt.date) -> dict[str, int]:
    year = today.year - 1
    rules = client.get("/dues/remittance-rules")["items"]
    if not any(r["version"] == "province-2016" for r in rules):
        taken = {r["effective_from"] for r in rules}
        if "2016-01" not in taken:
            client.post("/dues/remittance-rules", {"version": "province-2016",
                                                   "effective_from": "2016-01",
                                                   "retained_bp": 3000, "rebate_bp": 2000},
                        _key("remittance-rule"))
    unit_ids = {u["id"] for u in units}
    league = [m for m in members if m["kind"] == "league_member" and m["unit_id"] in unit_ids]
    paid = behind = 0
    for i, m in enumerate(league):
        category = ("with_income", "farmer_without_salary", "student")[i % 3]
        body: dict[str, Any] = {"member_id": m["id"], "category": category,
                                "from_month": f"{year}-01"}
        if category == "with_income":
            body["income_fen"] = (150_000, 320_000)[i % 2]
        client.post("/dues/accounts", body, _key("dues", m["id"]))
        if i % 6 == 5:
            behind += 1  # never paid: listed in arrears
            continue
        due = {"with_income": 300 if i % 2 == 0 else 640, "farmer_without_salary": 20,
               "student": 20}[category]
        client.post(f"/dues/accounts/{m['id']}/payments",
                    {"from_month": f"{year}-01", "to_month": f"{year}-06",
                     "amount_fen": 6 * due, "paid_on": f"{year}-06-28"},
                    _key("pay", m["id"], 1))
        paid += 1
    for u in units:
        _remit(client, u["id"], f"{year}-01", f"{year}-06", f"{year}-08-15",
               _key("remit", u["id"], year))
    return {"accounts": len(league), "paid": paid, "in_arrears": behind}


def _remit(client, unit_id: str, first: str, last: str, received_on: str, key: str) -> None:
    """A unit's remittance of first..last, split where the county's remittance rule changes
    (the instance's rule book may hold rules the demo did not add: the answer names the month
    to split at)."""
    body = {"unit_id": unit_id, "period_from": first, "period_to": last,
            "received_on": received_on}
    answer = client.call("POST", "/dues/remittances", body, key=key, expect=(200, 201, 409))
    if not (isinstance(answer, dict) and answer.get("status") == 409):
        return
    split = answer.get("split_at")
    if not split or not first < split <= last:
        raise DemoError(f"POST /dues/remittances -> 409: {answer}")
    year, month = (int(x) for x in split.split("-"))
    before = f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    _remit(client, unit_id, first, before, received_on, key + "-a")
    _remit(client, unit_id, split, last, received_on, key + "-b")


def _venues(client, units: list[dict[str, Any]], coops: list[dict[str, Any]],
            today: dt.date) -> int:
    count = 0
    for i, unit in enumerate(units[:4]):
        coop = coops[i % len(coops)] if coops else None
        venue = client.post("/venues", {
            "name": f"青年之家活动室{i + 1}", "provider_kind": ("cooperative", "cadre_employer",
                                                                "other_unit")[i % 3],
            "provider_name": coop["name"] if coop and i % 3 == 0 else "莱城区供销合作社",
            "provider_id": coop["id"] if coop and i % 3 == 0 else None,
            "capacity": 30 + 10 * i, "unit_id": unit["id"]}, _key("venue", unit["id"]))
        for w in range(3):
            day = dt.date(today.year, today.month, 1) + dt.timedelta(days=7 * w + i)
            client.post(f"/venues/{venue['id']}/bookings", {
                "activity_id": f"demo-activity-{i}-{w}",
                "starts_at": f"{day.isoformat()}T14:00:00+08:00",
                "ends_at": f"{day.isoformat()}T16:30:00+08:00",
                "expected_attendance": 20}, _key("booking", unit["id"], today.month, w))
        count += 1
    return count


def _wait_visible(client, partner_ids: list[str], expected: int, deadline_s: float = 120) -> int:
    deadline = time.monotonic() + deadline_s
    seen = 0
    while time.monotonic() < deadline:
        seen = sum(client.get(f"/credit-grants/summary?partner_id={p}")["grants"]
                   for p in partner_ids)
        if seen >= expected:
            break
        time.sleep(0.5)
    return seen


def load(client, state: dict) -> None:
    today = dt.date.today()
    units = [u for u in state.get("units") or []
             if u["kind"] in ("branch", "joint_branch", "general_branch")]
    _wait_known(client, [u["id"] for u in units])
    creds = _onboard(state)
    state["partner_creds"] = creds  # for deploy/demo/credit_applications.py (memory only)
    picked = units[:8]
    entries = _funds(client, picked, today)
    dues = _dues(client, state.get("members") or [], picked, today)
    venues = _venues(client, picked, state.get("cooperatives") or [], today)
    if units:
        branch = units[0]["id"]
        client.post("/credit-grants/recommendations", {
            "partner_id": "demo-agbank", "grant_id": f"REC-{today.year}", "unit_id": branch,
            # the same body all year: a rerun of the demo in another month replays its key
            "recommended_on": today.replace(month=1, day=1).isoformat(),
            "note": "young grower, pre-checked by the branch"}, _key("recommend", today.year))
    tally = _grants(client, state, creds, today)
    visible = _wait_visible(client, [p[0] for p in PARTNERS], tally["grants"] + tally["webhooks"])
    state["funding"] = {"fund_entries": entries, **dues, "venues": venues, **tally}
    print(f"demo: funding: {len(PARTNERS)} partners, {visible} credit grants visible "
          f"({tally['loans']} loans, {tally['overdue']} overdue, {tally['webhooks']} by webhook),"
          f" {entries} fund entries in {len(picked)} units, {dues['accounts']} dues accounts"
          f" ({dues['in_arrears']} in arrears), {venues} venues")

