"""The data of the members' documents: commitment letter, results notice, minutes, roster."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit import clock
from eventkit.errors import RuleViolation
from gateway.documents.kinds import zh
from gateway.documents.model import chinese_date
from gateway.documents.sources import every

NUMERALS = "一二三四五六七八九十"
CATEGORIES = ("common", "post", "practical_deeds", "self_discipline")
ROSTER_COLUMNS = ("序号", "姓名", "性别", "民族", "出生日期", "公民身份号码", "类别", "入团日期",
                  "学历", "职业", "联系电话", "状态")


def _day(value: Any) -> str:
    return chinese_date(value) if value else ""


def _posts(rpc: Any, committee_id: str, person_id: str) -> str:
    try:
        people = rpc.assessment.committee_members(committee_id, None).get("items") or []
    except Exception:  # noqa: BLE001 - the post is a courtesy line; the letter stands without
        return ""
    for person in people:
        if person.get("person_id") == person_id:
            return "、".join(zh("committee_posts", r) for r in person.get("roles") or [])
    return ""


def letter_context(rpc: Any, letter: dict[str, Any]) -> dict[str, Any]:
    items = letter.get("items") or []
    groups = []
    for i, category in enumerate(CATEGORIES):
        groups.append({"number": NUMERALS[i], "label": zh("commitment_categories", category),
                       "entries": [{**x, "deadline": _day(x.get("deadline"))}
                                 for x in items if x.get("category") == category]})
    return {"letter": {
        "year": letter.get("year"), "member_name": letter.get("member_name")
        or letter.get("member_id"), "post": _posts(rpc, letter["committee_id"],
                                                   letter["member_id"]) or "成员",
        "groups": groups, "published_on": _day(letter.get("published_on")),
        "notice_days": letter.get("notice_days") or "",
        "signed_on": _day(letter.get("signed_on")) or None}}


def _unit_name(rpc: Any, committee_id: str, unit_id: str | None,
               department: str | None) -> str:
    if unit_id:
        committee = rpc.org.get_committee(committee_id, None)
        for unit in committee.get("member_units") or []:
            if unit["id"] == unit_id:
                return str(unit["name"])
        try:
            return str(rpc.org.get_unit(unit_id, None)["name"])
        except Exception:  # noqa: BLE001 - an id org does not know: fall back to the department
            pass
    return zh("departments", department) if department else (unit_id or "所在单位")


def result_context(rpc: Any, round_id: str, member_id: str,
                   scope: list[str] | None) -> dict[str, Any]:
    status = rpc.assessment.get_round(round_id, scope).get("status")
    result = dict(rpc.assessment.get_result(round_id, member_id, scope)) \
        if status == "graded" else {}
    if not result.get("grade"):
        raise RuleViolation("考核结果通报需要先完成“评定等次”步骤 (the round is not graded)",
                            {"required_step": "graded", "required_step_label": "评定等次"})
    unit_id, department = None, None
    if result.get("reported_to"):
        unit_id = result["reported_to"][0].get("unit_id")
        department = result["reported_to"][0].get("department")
    else:
        people = rpc.assessment.committee_members(result["committee_id"], None).get("items")
        for person in people or []:
            if person.get("person_id") == member_id:
                unit_id, department = person.get("home_unit_id"), person.get("department")
    result["unit_name"] = _unit_name(rpc, result["committee_id"], unit_id, department)
    result["member_name"] = result.get("member_name") or member_id
    result["grade_zh"] = zh("grades", result["grade"])
    return {"result": result, "people": {member_id: result["member_name"]}}


def _names(members: list[dict[str, Any]]) -> dict[str, str]:
    return {m["id"]: m["name"] for m in members}


def minutes_context(rpc: Any, meeting: dict[str, Any],
                    scope: list[str] | None) -> dict[str, Any]:
    unit = rpc.org.get_unit(meeting["unit_id"], scope)
    members = every(rpc.org.list_members, {"unit_id": meeting["unit_id"]}, scope)
    names = _names(members)
    attendees = [names.get(i, i) for i in meeting.get("attendee_member_ids") or []]
    absent = [f"{names.get(a['member_id'], a['member_id'])}（{a.get('reason') or ''}）"
              for a in meeting.get("absentees") or []]
    active = [m for m in members if m.get("status") == "active"]
    return {"meeting": {
        "type_zh": zh("meeting_types", meeting.get("meeting_type")),
        "unit_name": unit.get("name") or meeting["unit_id"], "date": _when(meeting),
        "place": meeting.get("place") or "", "expected": max(len(active), len(attendees)),
        "present": len(attendees), "attendees": "、".join(attendees) or "—",
        "absentees": "、".join(absent) or "无", "topics": meeting.get("topics") or [],
        "resolutions": meeting.get("resolutions") or [], "minutes": meeting.get("minutes"),
        "retracted": meeting.get("status") == "retracted",
        "retract_reason": meeting.get("retract_reason") or ""}}


def _when(meeting: dict[str, Any]) -> str:
    """The meeting's day, with its start time (county time) when one was recorded."""
    text = _day(meeting.get("held_on") or (meeting.get("held_at") or "")[:10])
    held_at = meeting.get("held_at")
    if held_at:
        moment = dt.datetime.fromisoformat(held_at).astimezone(clock.COUNTY_TZ)
        text += f" {moment:%H:%M}"
    return text


def on_roster(member: dict[str, Any], on: dt.date) -> bool:
    """A member of the unit on `on`: joined by then, and still active then."""
    joined = member.get("join_date") or member.get("registered_on") or ""
    if joined and joined[:10] > on.isoformat():
        return False
    if member.get("status") == "active":
        return True
    since = (member.get("status_since") or "")[:10]
    return bool(since) and since > on.isoformat()


def roster_rows(rpc: Any, unit_id: str, on: dt.date,
                scope: list[str] | None) -> tuple[dict[str, Any], list[list[str]]]:
    unit = rpc.org.get_unit(unit_id, scope)
    members = [m for m in every(rpc.org.list_members, {"unit_id": unit_id}, scope)
               if on_roster(m, on)]
    members.sort(key=lambda m: (m.get("join_date") or "", m.get("name") or ""))
    rows = []
    for i, m in enumerate(members, 1):
        rows.append([str(i), m.get("name") or "", zh("sexes", m.get("sex")),
                     m.get("ethnicity") or "", m.get("birth_date") or "",
                     _masked(m.get("resident_id")), zh("member_kinds", m.get("kind")),
                     m.get("join_date") or "", m.get("education") or "",
                     m.get("occupation") or "", _masked(m.get("phone")),
                     zh("member_statuses", m.get("status"))])
    return unit, rows


def _masked(value: Any) -> str:
    """Org masks personal numbers already; mask again in case a list forgets."""
    text = str(value or "")
    if len(text) > 4 and any(ch.isdigit() for ch in text[:-4]):
        return "*" * (len(text) - 4) + text[-4:]
    return text


def roster_context(unit: dict[str, Any], rows: list[list[str]], on: dt.date) -> dict[str, Any]:
    # the PDF's columns: what fits across 156 mm (the XLSX keeps every column)
    keep = (0, 1, 2, 3, 4, 5, 7, 10, 11)
    return {"roster": {"unit_name": unit.get("name") or unit.get("id"), "date": _day(on),
                       "count": len(rows), "columns": [ROSTER_COLUMNS[i] for i in keep],
                       "rows": [[row[i] for i in keep] for row in rows]}}


def recommendation_context(rpc: Any, rec: dict[str, Any],
                           scope: list[str] | None) -> dict[str, Any]:
    vote = rec.get("vote")
    if not vote:
        raise RuleViolation("推荐表需要先完成“团员大会表决”步骤 (no branch vote recorded)",
                            {"required_step": "branch_vote", "required_step_label": "团员大会表决"})
    branch = vote.get("branch_id")
    try:
        branch_name = rpc.org.get_unit(branch, scope)["name"] if branch else ""
    except Exception:  # noqa: BLE001 - a branch out of scope or gone: its id stands
        branch_name = branch or ""
    voting = int(vote.get("voting_members") or 0)
    favour = int(vote.get("in_favour") or 0)
    passed = vote.get("passed")
    if passed is None:
        passed = favour * 2 > voting  # more than half of those voting
    return {"rec": {
        "member_name": rec.get("member_name") or rec["member_id"],
        "kind_zh": {"party_membership": "党的发展"}.get(rec["kind"],
                                                        zh("recommendation_kinds", rec["kind"])),
        "branch_name": branch_name, "party_applied_on": _day(rec.get("party_applied_on")),
        "grade_zh": zh("grades", rec.get("round_grade")) if rec.get("round_grade") else "",
        "proposed_on": _day(rec.get("proposed_on")), "reason": rec.get("reason") or "",
        "vote": {"date": _day(vote.get("vote_on")), "voting_members": voting,
                 "in_favour": favour, "against": vote.get("against", 0),
                 "abstain": vote.get("abstain", 0), "result": "通过" if passed else "未通过"}}}
