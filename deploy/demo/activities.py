"""Demo county, activities slice: a year of regular meetings (some units overdue), activities
planned, held and cancelled, a work menu with adoptions, a May Fourth unified activity,
supervision visits and WeChat groups.

Runs after deploy/demo/org.py (uses state["units"], state["members"], state["committee_id"]).
The year is the twelve months before the current one plus this month so far (county time).
Every body is derived from its own month, unit and index, never from the day the demo runs,
and its Idempotency-Key names the same things: running the demo again replays what exists
and only adds what has fallen due since (a new month's meetings).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from typing import Any

import requests

CST = dt.timezone(dt.timedelta(hours=8))
BRANCH_KINDS = ("branch", "general_branch", "joint_branch")
ACTIVITY_KINDS = ("theme_education", "theme_league_day", "skills_training", "study_tour",
                  "e_commerce", "technology_service", "volunteering", "sports_culture",
                  "product_exhibition", "information_service", "marketing", "charity")
TITLES = {
    "theme_education": "主题教育：学习团代会精神",
    "theme_league_day": "果园里的主题团日",
    "skills_training": "果树修剪嫁接技术培训",
    "study_tour": "赴示范合作社考察交流",
    "e_commerce": "直播带货培训",
    "technology_service": "滴灌技术服务",
    "volunteering": "志愿者帮助老年农户秋收",
    "sports_culture": "村级篮球友谊赛",
    "product_exhibition": "区农博会特色农产品展示",
    "information_service": "农产品市场行情发布会",
    "marketing": "品牌与包装设计辅导",
    "charity": "为村小学义卖",
}
VENUES = ("村级活动室", "合作社分拣车间", "镇综合文化站", "区青少年活动中心", "示范果园")
VISITORS = ("张红梅", "王伟", "李娜")


# the working committee's people the org demo appoints (deploy/demo/org.py): a deputy
# secretary chairs (seed_rules moves the secretary on in 2025), committee members attend
COMMITTEE_PEOPLE = ("demo-deputy-agriculture", "demo-member-large_cooperative_league_leader",
                    "demo-member-township_league_secretary",
                    "demo-member-college_graduate_village_official")


def _key(*parts: Any) -> str:
    return "demo-act-" + "-".join(str(p) for p in parts)


def _roll(*parts: Any) -> int:
    """A stable pseudo-random number 0-999 for these parts (the same on every run)."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()
    return int(digest[:8], 16) % 1000


def _months(today: dt.date) -> list[tuple[int, int]]:
    """The twelve months before this one, then this one."""
    out = []
    year, month = today.year, today.month
    for _ in range(13):
        out.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(out))


def _day(year: int, month: int, roll: int) -> dt.date:
    return dt.date(year, month, 3 + roll % 24)  # 3rd-26th: valid in every month


def _wait_for_units(client, units: list[dict[str, Any]], deadline_s: float = 180.0) -> None:
    """activities learns units and members from org's events: wait until it has caught up."""
    deadline = time.monotonic() + deadline_s
    last: Any = None
    while time.monotonic() < deadline:
        try:
            health = requests.get(client.base + "/health", timeout=10).json()["services"]
            org_head = health["org"].get("head")
            tracked = health["activities"].get("tracking", {}).get("org", 0)
            last = (tracked, org_head)
            if org_head is not None and tracked >= org_head:
                # and the last unit answers (its calendar): org's demo feed is applied
                r = client.session.get(
                    f"{client.base}/api/v1/units/{units[-1]['id']}/calendar.ics",
                    headers={"Authorization": f"Bearer {client.token}"}, timeout=10)
                if r.status_code == 200:
                    return
                last = r.status_code
        except Exception as exc:  # noqa: BLE001 - the platform may still be starting
            last = repr(exc)
        time.sleep(0.5)
    raise RuntimeError(f"activities did not learn org's units in {deadline_s:.0f} s: {last}")


class County:
    def __init__(self, state: dict) -> None:
        self.units = state["units"]
        self.by_id = {u["id"]: u for u in self.units}
        self.members: dict[str, list[str]] = {}
        for m in state["members"]:
            self.members.setdefault(m["unit_id"], []).append(m["id"])
        self.children: dict[str, list[str]] = {}
        for u in self.units:
            if u["parent"]:
                self.children.setdefault(u["parent"], []).append(u["id"])

    def subtree_members(self, unit_id: str) -> list[str]:
        out = list(self.members.get(unit_id, []))
        for child in self.children.get(unit_id, []):
            out.extend(self.subtree_members(child))
        return out

    def attendees(self, unit_id: str, salt: Any, most: int = 12) -> list[str]:
        pool = sorted(self.subtree_members(unit_id))
        if not pool:
            return []
        start = _roll(unit_id, salt) % len(pool)
        count = max(1, min(most, len(pool) * 3 // 4))
        return [pool[(start + i) % len(pool)] for i in range(count)]


def _meetings(client, county: County, today: dt.date) -> tuple[int, list[str]]:
    """Each unit's regular meetings month by month. Most units keep them; a few lax ones
    skip some, and a few have stopped for the last two months (overdue now)."""
    months = _months(today)
    recent = set(months[-3:-1])
    count = 0
    lax: list[str] = []
    for unit in county.units:
        kind = unit["kind"]
        if kind == "working_committee":
            duties = [("working_committee_regular", 1), ("training_new_tech_class", 3)]
        elif kind == "professional_committee":
            duties = [("pro_committee_monthly_industry_info", 1),
                      ("pro_committee_quarterly_suggestion", 3)]
        elif kind in BRANCH_KINDS:
            duties = [("branch_monthly_youth_exchange", 1)]
        else:
            continue
        temper = _roll(unit["id"], "temper")
        stopped = kind in BRANCH_KINDS and temper < 150  # ~15% stopped two months ago
        careless = kind != "working_committee" and 150 <= temper < 300
        if stopped or careless:
            lax.append(unit["id"])
        for meeting_type, cadence in duties:
            for year, month in months:
                if (month - 1) % cadence != (cadence - 1):
                    continue  # quarterly: meet in the quarter's last month
                if stopped and (year, month) in recent:
                    continue
                if careless and _roll(unit["id"], meeting_type, year, month) < 400:
                    continue
                held_on = _day(year, month, _roll(unit["id"], meeting_type, year, month, "d"))
                if held_on > today:
                    continue  # added by a later run, once the day has passed
                people = county.attendees(unit["id"], (meeting_type, year, month))
                key = _key("meeting", unit["id"], meeting_type, year, month)
                if meeting_type == "working_committee_regular":
                    # issue 12: the committee's people attend (a deputy secretary chairs;
                    # committee members are office heads, not League members) beside League
                    # members; the last month's record lacks a chair, so it does not count
                    chair = [] if (year, month) == months[-2] else list(COMMITTEE_PEOPLE[:1])
                    people = [*chair, *COMMITTEE_PEOPLE[1:], *people[:4]]
                    key = _key("meeting", unit["id"], meeting_type, year, month, "people")
                if not people:
                    continue
                absent = county.attendees(unit["id"], ("absent", year, month), 2)
                absentees = [{"member_id": m, "reason": "harvest work"} for m in absent
                             if m not in people]
                client.post("/meetings", {
                    "meeting_type": meeting_type, "unit_id": unit["id"],
                    "held_on": held_on.isoformat(), "attendee_member_ids": people,
                    "absentees": absentees,
                    "topics": ["本月工作安排", "社员反映的问题"],
                    "resolutions": ["在团青微信群及时发布市场信息"],
                    "minutes": f"{held_on.year}年{held_on.month}月例会。"}, key)
                count += 1
    return count, lax


def _at(day: dt.date, hour: int) -> str:
    return dt.datetime.combine(day, dt.time(hour), CST).isoformat()


def _activities(client, county: County, today: dt.date, menu_items: list[dict[str, Any]]
                ) -> dict[str, int]:
    """Held activities over the year, a few cancelled, some planned for the coming weeks."""
    months = _months(today)
    organizers = [u for u in county.units
                  if u["kind"] in (*BRANCH_KINDS, "professional_committee", "working_committee")]
    tally = {"held": 0, "cancelled": 0, "planned": 0}
    for unit in organizers:
        for n, (year, month) in enumerate(months):
            roll = _roll(unit["id"], "activity", year, month)
            if roll >= 330:  # about four activities a unit a year
                continue
            kind = ACTIVITY_KINDS[roll % len(ACTIVITY_KINDS)]
            day = _day(year, month, roll)
            body: dict[str, Any] = {
                "organizer_unit_ids": [unit["id"]], "kind": kind, "title": TITLES[kind],
                "starts_at": _at(day, 9), "ends_at": _at(day, 11 + roll % 5),
                "venue": VENUES[roll % len(VENUES)],
                "audience": "合作社青年社员",
                "expected_attendance": 15 + roll % 40, "budget_fen": 50_000 + 1_000 * (roll % 300)}
            items = [i for i in menu_items if i["kind"] == kind and i["year"] == year]
            if items:
                body["work_menu_item_id"] = items[0]["item_id"]
            if unit["parent"] and roll % 4 == 0 and county.by_id[unit["parent"]]["kind"] in (
                    BRANCH_KINDS + ("professional_committee",)):
                body["co_organizer_unit_ids"] = [unit["parent"]]
            key = _key("activity", unit["id"], year, month)
            activity = client.post("/activities", body, key)
            if day >= today:
                tally["planned"] += 1
                continue
            if roll % 17 == 0:
                client.post(f"/activities/{activity['id']}/cancel",
                            {"reason": "因大雨延期"}, key + "-cancel")
                tally["cancelled"] += 1
                continue
            people = county.attendees(unit["id"], ("activity", n), 25)
            if not people:
                continue
            client.post(f"/activities/{activity['id']}/hold", {
                "held_on": day.isoformat(), "attendee_member_ids": people,
                "summary": f"{TITLES[kind]}: {len(people)} young people took part.",
                "outcome_figures": {"participants": len(people), "products_sold": roll % 50}},
                key + "-hold")
            tally["held"] += 1
    # the coming weeks (their month names the key: a later run plans its own next weeks)
    upcoming = today.replace(day=1) + dt.timedelta(days=32)
    next_month = upcoming.replace(day=1)
    for i, unit in enumerate(u for u in organizers if u["kind"] in BRANCH_KINDS):
        if i % 3:
            continue
        kind = ACTIVITY_KINDS[i % len(ACTIVITY_KINDS)]
        day = next_month + dt.timedelta(days=i % 25)
        client.post("/activities", {
            "organizer_unit_ids": [unit["id"]], "kind": kind, "title": TITLES[kind],
            "starts_at": _at(day, 14), "ends_at": _at(day, 17), "venue": VENUES[i % 5],
            "expected_attendance": 20}, _key("upcoming", unit["id"], f"{next_month:%Y-%m}"))
        tally["planned"] += 1
    return tally


def _work_menu(client, county: County, today: dt.date) -> tuple[str, list[dict[str, Any]]]:
    year = today.year
    menu = client.post("/work-menus", {"year": year, "title": f"{year} work menu of the"
                                                              " cooperative League committee"},
                       _key("menu", year))
    wanted = (("春季果树修剪嫁接培训", "skills_training", [3, 4]),
              ("五四主题团日", "theme_league_day", [5]),
              ("直播带货培训", "e_commerce", [6, 10]),
              ("秋收志愿服务", "volunteering", [9, 10]),
              ("赴示范合作社考察交流", "study_tour", [7]),
              ("冬季主题教育", "theme_education", [12]))
    for i, (title, kind, months) in enumerate(wanted):
        menu = client.post(f"/work-menus/{menu['id']}/items",
                           {"title": title, "kind": kind, "suggested_months": months,
                            "description": "团工委推荐项目"},
                           _key("menu-item", year, i))
    menu = client.post(f"/work-menus/{menu['id']}/publish", None, _key("menu-publish", year))
    items = [dict(i, year=year) for i in menu["items"]]
    branches = [u for u in county.units if u["kind"] in BRANCH_KINDS]
    for n, unit in enumerate(branches):
        for j, item in enumerate(items):
            if _roll(unit["id"], item["item_id"]) < 350 and n % 4:
                client.post(f"/work-menus/{menu['id']}/adoptions",
                            {"unit_id": unit["id"], "item_id": item["item_id"]},
                            _key("adopt", year, unit["id"], j))
    return menu["id"], items


def _unified(client, county: County, today: dt.date) -> None:
    year = today.year if today >= dt.date(today.year, 5, 11) else today.year - 1
    branches = [u for u in county.units if u["kind"] in BRANCH_KINDS]
    ua = client.post("/unified-activities", {
        "title": f"{year} May Fourth theme League day in every branch",
        "kind": "theme_league_day", "description": "各团支部分别组织主题团日活动。",
        "unit_ids": [u["id"] for u in branches], "window_start": f"{year}-04-20",
        "window_end": f"{year}-05-10"}, _key("unified", year))
    for i, unit in enumerate(branches):
        if i % 5 == 4:
            continue  # these parts stay open: the completion rate is below 100%
        day = dt.date(year, 4, 25) + dt.timedelta(days=i % 12)
        act = client.post("/activities", {
            "organizer_unit_ids": [unit["id"]], "kind": "theme_league_day",
            "title": "五四主题团日", "starts_at": _at(day, 9),
            "ends_at": _at(day, 11), "venue": VENUES[i % 5], "unified_activity_id": ua["id"]},
            _key("unified-part", year, unit["id"]))
        people = county.attendees(unit["id"], ("may4", year), 20)
        if people:
            client.post(f"/activities/{act['id']}/hold", {
                "held_on": day.isoformat(), "attendee_member_ids": people,
                "summary": "开展主题团日：学习五四运动历史，重温入团誓词。"},
                _key("unified-part-hold", year, unit["id"]))


def _supervision(client, county: County, today: dt.date) -> int:
    branches = [u for u in county.units if u["kind"] in BRANCH_KINDS]
    months = _months(today)[:-1]
    count = 0
    for i, unit in enumerate(branches[::4]):
        year, month = months[(i * 2) % len(months)]
        visited = _day(year, month, _roll(unit["id"], "visit"))
        visit = client.post("/supervision-visits", {
            "visitor": VISITORS[i % 3], "unit_id": unit["id"], "visited_on": visited.isoformat(),
            "findings": ["会议记录完整", "团青微信群活跃度不够"],
            "actions": [{"description": "每周在群内发布市场价格",
                         "due_on": (visited + dt.timedelta(days=30)).isoformat()},
                        {"description": "按时开展下一次主题团日",
                         "due_on": (visited + dt.timedelta(days=60)).isoformat()}]},
            _key("visit", unit["id"], year, month))
        count += 1
        if i % 2 == 0:  # half of the visits have their follow-ups closed
            for j, action in enumerate(visit["actions"]):
                closed = visited + dt.timedelta(days=20 + 10 * j)
                if closed > today:
                    continue  # closed by a later run
                client.post(f"/supervision-visits/{visit['id']}/actions/"
                            f"{action['action_id']}/close",
                            {"note": "已完成，电话核实", "closed_on": closed.isoformat()},
                            _key("visit-close", unit["id"], year, month, j))
    return count


def _wechat(client, county: County, today: dt.date) -> int:
    count = 0
    for i, unit in enumerate(u for u in county.units
                             if u["kind"] in ("professional_committee", "joint_branch")):
        people = county.subtree_members(unit["id"])
        client.post("/wechat-groups", {
            "unit_id": unit["id"], "name": f"合作社青年交流群{i + 1}",
            "admin_name": "group secretary", "admin_member_id": people[0] if people else None,
            "member_count": 30 + len(people), "as_of": "2024-01-01"}, _key("wechat", unit["id"]))
        count += 1
    return count


def load(client, state: dict) -> None:
    today = dt.datetime.now(CST).date()
    county = County(state)
    _wait_for_units(client, state["units"])
    menu_id, items = _work_menu(client, county, today)
    meetings, lax = _meetings(client, county, today)
    tally = _activities(client, county, today, items)
    _unified(client, county, today)
    visits = _supervision(client, county, today)
    groups = _wechat(client, county, today)
    previous = _months(today)[-2]
    report = client.get(f"/meetings/compliance?period={previous[0]}-{previous[1]:02d}")
    ours = {u["id"] for u in county.units}
    overdue = [u for u in report["overdue_unit_ids"] if u in ours]
    state["work_menu_id"] = menu_id
    state["lax_unit_ids"] = lax
    print(f"demo: activities: {meetings} meetings, {tally['held']} activities held,"
          f" {tally['cancelled']} cancelled, {tally['planned']} planned, {visits} supervision"
          f" visits, {groups} WeChat groups; {len(overdue)} units overdue"
          f" for {report['period']}")
