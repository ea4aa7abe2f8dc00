"""Demo county, org slice: the committee through its founding conference, 9 member units and
a valid leadership, 40 cooperatives, 60 units (4 professional committees) and 600 members.

Everything goes through the public API with deterministic Idempotency-Keys and bodies that
do not depend on the day it runs, so running the demo again changes nothing.
Fills `state`: committee_id, cooperatives, units (id/kind/township/parent), members.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit.identifiers import make_resident_id, make_uscc

COUNTY = "莱城区"
COUNTY_CODE = "371202"
INDUSTRIES = ("水果", "蔬菜", "畜牧", "茶叶")
PRODUCTS = {"水果": "苹果", "蔬菜": "生姜", "畜牧": "黑猪", "茶叶": "绿茶"}
TOWNSHIPS = ("凤城街道", "口镇", "羊里街道", "寨里镇", "高庄街道", "牛泉镇", "茶业口镇", "大王庄镇")
DEPARTMENTS = (
    ("organization", "中共莱城区委组织部"),
    ("agriculture", "莱城区农业农村局"),
    ("supply_coop", "莱城区供销合作社"),
    ("economic_management", "莱城区农村经营管理站"),
    ("commerce", "莱城区市场监督管理局"),
    ("science_technology", "莱城区科学技术局"),
    ("civil_affairs", "莱城区民政局"),
    ("tax", "莱城区税务局"),
    ("finance", "莱城区财政局"),
)
SURNAMES = "王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗"
GIVEN = "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 涛 明 超 秀英 华 慧 平"
JOINT_MODES = ("party_building_leads", "relying", "village_cooperative",
               "cooperative_cooperative", "leading_enterprise")
GROUP_FUNCTIONS = ("daily_management", "planting_breeding", "technology_extension", "marketing",
                   "information_liaison")


def _name(i: int) -> str:
    surnames, given = SURNAMES.split(), GIVEN.split()
    return f"{surnames[i % len(surnames)]}{given[(i * 7) % len(given)]}"


def _ordinal(n: int) -> str:
    """（一）-style numbering, as county documents number similar names."""
    digits = "零一二三四五六七八九"
    text = digits[n] if n < 10 else ("十" if n < 20 else digits[n // 10] + "十") + (
        digits[n % 10] if n % 10 else "")
    return f"（{text}）"


def _plus_years(born: dt.date, years: int) -> dt.date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February
        return dt.date(born.year + years, 3, 1)


def _key(*parts: Any) -> str:
    return "demo-org-" + "-".join(str(p) for p in parts)


def _committee(client, state: dict) -> str:
    committee = client.post("/committees", {"name": f"共青团{COUNTY}农村合作组织工作委员会",
                                            "county": COUNTY,
                                            "county_code": COUNTY_CODE, "on": "2023-03-01"},
                            _key("committee"))
    cid = committee["id"]
    for dep, name in DEPARTMENTS:
        committee = client.post(f"/committees/{cid}/member-units",
                                {"name": name, "department_type": dep}, _key("mu", dep))
    units = {u["department_type"]: u["id"] for u in committee["member_units"]}
    client.post(f"/committees/{cid}/secretary",
                {"person_id": "demo-secretary", "name": "张红梅",
                 "from_county_league_committee": True, "on": "2023-04-15"}, _key("secretary"))
    for i, (dep, name) in enumerate(DEPARTMENTS[1:]):  # 8 deputies, one per member unit
        client.post(f"/committees/{cid}/deputy-secretaries",
                    {"person_id": f"demo-deputy-{dep}", "name": _name(100 + i),
                     "member_unit_id": units[dep], "office": f"{name}办公室",
                     "is_office_head": True, "on": "2023-04-15"}, _key("deputy", dep))
    return cid  # type: ignore[no-any-return]


def _found(client, cid: str, coop_ids: list[str]) -> None:
    steps = [
        ("survey", {"on": "2023-03-10", "cooperatives": 40, "league_members": 480,
                    "young_people": 1600, "party_organizations": 14, "league_organizations": 3,
                    "report": "全区农民专业合作社40家，团员480名，已建团组织3个，"
                              "多数合作社尚未建立团组织。"}),
        ("plan", {"on": "2023-03-20", "summary": "设团工委，按产业设四个专业团委，"
                                                 "在合作社建立团支部，支部下设团小组。",
                  "levels": ["working_committee", "professional_committee", "general_branch",
                             "branch", "league_group"],
                  "draft_leadership": "书记由团区委分管副书记担任，副书记由各成员单位"
                                      "职能科室负责人担任"}),
        ("coordination", {"on": "2023-04-01", "org_dept_consent": True,
                          "supporting_departments": ["agriculture", "supply_coop",
                                                     "economic_management", "finance"],
                          "meeting_date": "2023-04-01",
                          "meeting_attendees": [name for _, name in DEPARTMENTS]}),
        ("preparatory-group", {"on": "2023-04-10", "members": [
            {"name": "张红梅", "office": "共青团莱城区委"},
            {"name": _name(101), "office": "莱城区农业农村局办公室"},
            {"name": _name(102), "office": "莱城区供销合作社办公室"}]}),
        ("establishment-request", {"on": "2023-04-20"}),
        ("approval", {"on": "2023-05-01", "document_number": "莱团发〔2023〕12号"}),
        ("founding-conference", {"on": "2023-05-20", "attendees": [
            "张红梅", *(name for _, name in DEPARTMENTS)], "agenda_items": [
            {"kind": "establishment_document_read"},
            {"kind": "work_report", "title": "关于在农村合作组织中加强团建工作的报告"},
            {"kind": "bank_credit_signing", "bank": "莱城农村商业银行",
             "credit_amount_fen": 3_000_000_000},
            {"kind": "professional_committee_speech"},
            {"kind": "superior_leader_speeches"}]}),
    ]
    for i, source in enumerate(("large_cooperative_league_leader", "township_league_secretary",
                                "college_graduate_village_official")):
        client.post(f"/committees/{cid}/committee-members",
                    {"person_id": f"demo-member-{source}", "name": _name(200 + i),
                     "source": source, "on": "2023-04-15",
                     "cooperative_id": coop_ids[0] if i == 0 else None,
                     "township": TOWNSHIPS[0] if i == 1 else None}, _key("cm", source))
    for step, body in steps:
        client.post(f"/committees/{cid}/{step}", body, _key("step", step))


def _cooperatives(client) -> list[dict[str, Any]]:
    coops = []
    for i in range(40):
        industry = INDUSTRIES[i % 4]
        large = i % 5 == 0
        members = 160 + i if large else 12 + (i * 7) % 60
        league = 5 + i % 6 if large else (i * 3) % 5
        youth = max(league + 2, (members * 3) // 10)
        body = {"name": f"莱城区{TOWNSHIPS[i % 8]}{PRODUCTS[industry]}专业合作社{_ordinal(i + 1)}",
                "uscc": make_uscc("93", COUNTY_CODE, f"MA{i:06d}"), "chair": _name(300 + i),
                "township": TOWNSHIPS[i % 8], "industry_category": industry,
                "product": PRODUCTS[industry],
                "business_mode": ("种植", "养殖", "加工", "购销")[i % 4],
                "members": members, "farmer_members": members - members // 10,
                "young_people_under_35": youth, "league_members": league,
                "party_org_present": large, "league_org_present": False,
                "supply_coop_relation": ("led", "shareholding", "served", "none")[i % 4]}
        coop = client.post("/cooperatives", body, _key("coop", i))
        coops.append({"id": coop["id"], "uscc": coop["uscc"], "township": coop["township"],
                      "industry_category": industry, "name": coop["name"]})
    return coops


def _units(client, cid: str, coops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    units: list[dict[str, Any]] = [
        {"id": cid, "kind": "working_committee", "township": None, "parent": None,
         "cooperative_ids": []}]

    def add(key: str, body: dict[str, Any]) -> dict[str, Any]:
        unit = client.post("/units", {"on": "2023-06-01", **body}, _key("unit", key))
        row = {"id": unit["id"], "kind": unit["kind"], "township": unit["township"],
               "parent": unit["parent_id"], "cooperative_ids": unit["cooperative_ids"]}
        units.append(row)
        return row

    pcs = {ind: add(f"pc-{ind}", {"name": f"{ind}专业团委",
                                  "kind": "professional_committee", "parent_id": cid,
                                  "industry": ind}) for ind in INDUSTRIES}
    generals = {ind: add(f"gb-{ind}", {"name": f"{ind}团总支",
                                       "kind": "general_branch", "parent_id": pcs[ind]["id"],
                                       "formation_mode": "standalone", "industry": ind})
                for ind in INDUSTRIES}
    branches = []
    for i in range(24):  # 20 cover one cooperative each, 4 sit in the general branches
        if i < 20:
            coop = coops[i]
            ind = coop["industry_category"]
            parent = pcs[ind] if i % 5 == 0 else generals[ind]
            body = {"name": f"{coop['name']}团支部", "kind": "branch",
                    "parent_id": parent["id"], "formation_mode": "standalone",
                    "industry": ind, "cooperative_ids": [coop["id"]],
                    "township": coop["township"]}
        else:
            ind = INDUSTRIES[i % 4]
            body = {"name": f"{ind}青年职工第{i - 19}团支部", "kind": "branch",
                    "parent_id": generals[ind]["id"], "formation_mode": "affiliated",
                    "industry": ind}
        branches.append(add(f"branch-{i}", body))
    joints = []
    for j in range(8):  # cooperatives 20-35, two small ones per joint branch
        pair = coops[20 + 2 * j: 22 + 2 * j]
        township = pair[0]["township"]
        joints.append(add(f"joint-{j}", {
            "name": f"{township}合作社联合团支部{_ordinal(j + 1)}",
            "kind": "joint_branch", "parent_id": cid, "formation_mode": "joint",
            "cooperative_ids": [c["id"] for c in pair], "management": "township",
            "township": township, "joint_mode": JOINT_MODES[j % 5]}))
    groups = []
    for g in range(14):
        parent = branches[g] if g < 10 else joints[g - 10]
        groups.append(add(f"group-{g}", {
            "name": f"第{g + 1}团小组", "kind": "league_group", "parent_id": parent["id"],
            "group_functions": [GROUP_FUNCTIONS[g % 5], GROUP_FUNCTIONS[(g + 2) % 5]]}))
    for y in range(5):  # cooperatives 36-39 (and one more) have young people but no branch
        coop = coops[36 + y % 4]
        add(f"youth-{y}", {"name": f"{coop['name']}青年"
                                   f"{'学习小组' if y % 2 else '联谊会'}",
                           "kind": "youth_organization", "parent_id": cid,
                           "formation_mode": "affiliated", "township": coop["township"]})
    return units


def _members(client, units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    homes = [u for u in units if u["kind"] in ("branch", "joint_branch", "league_group")]
    youth_homes = [u for u in units if u["kind"] == "youth_organization"]
    members = []
    for i in range(600):
        league = i < 480
        if league:
            born = dt.date(2000, 1, 3) + dt.timedelta(days=7 * i)
            # a few branches deliberately small or large, so the size warnings show
            unit = homes[(i * 13) % len(homes)] if i % 10 else homes[0]
        else:
            born = dt.date(1994, 2, 1) + dt.timedelta(days=13 * (i - 480))
            unit = youth_homes[i % len(youth_homes)] if i % 3 else homes[i % len(homes)]
        sex_digit = (i % 5) * 2 + (1 if i % 2 else 0)
        number = make_resident_id(COUNTY_CODE, born, f"{(i // 10) % 100:02d}{sex_digit}")
        coop_ids = unit.get("cooperative_ids") or []
        body = {"kind": "league_member" if league else "young_person", "name": _name(i),
                "ethnicity": "汉族" if i % 17 else "回族", "resident_id": number,
                "phone": f"13{(i % 9) + 1}{(i * 7919) % 100000000:08d}",
                "education": ("初中", "高中", "大专", "大学本科")[i % 4],
                "occupation": ("种植户", "养殖户", "技术员", "销售员")[i % 4],
                "cooperative_id": coop_ids[0] if coop_ids else None, "unit_id": unit["id"],
                "join_date": _plus_years(born, 15 if league else 18).isoformat()}
        member = client.post("/members", body, _key("member", i))
        members.append({"id": member["id"], "unit_id": unit["id"], "kind": body["kind"]})
    return members


def _roles(client, units: list[dict[str, Any]], members: list[dict[str, Any]]) -> None:
    first: dict[str, str] = {}
    for m in members:
        if m["kind"] == "league_member":
            first.setdefault(m["unit_id"], m["id"])
    kinds = {u["id"]: u["kind"] for u in units}
    for unit_id, member_id in sorted(first.items()):
        role = "group_leader" if kinds[unit_id] == "league_group" else "branch_secretary"
        client.post(f"/members/{member_id}/roles",
                    {"role": role, "start": "2024-01-01", "end": "2026-12-31"},
                    _key("role", unit_id))


def load(client, state: dict) -> None:
    cid = _committee(client, state)
    coops = _cooperatives(client)
    _found(client, cid, [c["id"] for c in coops])
    units = _units(client, cid, coops)
    members = _members(client, units)
    _roles(client, units, members)
    state["committee_id"] = cid
    state["cooperatives"] = coops
    state["units"] = [{k: u[k] for k in ("id", "kind", "township", "parent")} for u in units]
    state["members"] = members
    print(f"demo: org: committee {cid}, {len(coops)} cooperatives, {len(units)} units,"
          f" {len(members)} members")
