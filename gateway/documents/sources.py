"""The data of each document kind, read from the services over RPC in the caller's scope.

Each `*_context` function returns the template's context; a document whose step is not yet
reached raises RuleViolation (409) naming the step (`required_step`, with its label).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from eventkit.errors import RuleViolation
from gateway.documents.kinds import zh
from gateway.documents.model import chinese_date

PAGE = 500
# the establishment step a committee document needs
COMMITTEE_STEPS = {
    "survey-report": "survey_recorded",
    "plan": "plan_drafted",
    "request": "establishment_requested",
    "approval": "establishment_approved",
    "conference-notice": "founding_conference_held",
    "establishment-notice": "establishment_approved",
}


def every(call: Any, filters: dict[str, Any], scope: list[str] | None,
          limit: int = 20_000) -> list[dict[str, Any]]:
    """All items of a list RPC (`(filters, limit, cursor, scope)`), page by page."""
    items: list[dict[str, Any]] = []
    cursor = None
    while len(items) < limit:
        page = call(filters, PAGE, cursor, scope)
        items += page.get("items") or []
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return items


def require_step(committee: dict[str, Any], step: str, document: str) -> dict[str, Any]:
    data = (committee.get("steps") or {}).get(step)
    if data is None:
        label = zh("establishment_steps", step)
        raise RuleViolation(
            f"{document}需要先完成“{label}”步骤 (step {step} not reached)",
            {"required_step": step, "required_step_label": label,
             "due_step": committee.get("due_step")})
    return dict(data)


def _leaders(c: dict[str, Any]) -> dict[str, Any]:
    units = {u["id"]: u["name"] for u in c.get("member_units") or []}
    rows = []
    secretary = c.get("secretary")
    if secretary:
        rows.append({"post": "书记", "name": secretary["name"],
                     "where": "团县委" if secretary.get("from_county_league_committee") else ""})
    deputies = c.get("deputy_secretaries") or []
    for d in deputies:
        where = units.get(d.get("member_unit_id") or "", "")
        rows.append({"post": "副书记", "name": d["name"],
                     "where": "，".join(x for x in (where, d.get("office") or "") if x)})
    members = c.get("committee_members") or []
    for m in members:
        where = zh("committee_member_sources", m.get("source"))
        if m.get("township"):
            where += f"（{m['township']}）"
        rows.append({"post": "委员", "name": m["name"], "where": where})
    summary = "；".join(f"{r['post']}{r['name']}" for r in rows)
    # who the document names, for sealing an issued one (gateway/documents/sealing.py)
    people = {p["person_id"]: p["name"] for p in [secretary or {}, *deputies, *members]
              if p.get("person_id") and p.get("name")}
    return {"rows": rows, "people": people,
            "secretary": secretary["name"] if secretary else "（待定）",
            "deputies": len(deputies), "members": len(members),
            "deputy_names": "、".join(d["name"] for d in deputies) or "（待定）",
            "member_names": "、".join(m["name"] for m in members), "summary": summary}


def cooperatives_summary(rpc: Any, scope: list[str] | None) -> dict[str, Any]:
    coops = every(rpc.org.list_cooperatives, {}, scope)
    by: dict[str, dict[str, int]] = defaultdict(lambda: {"count": 0, "young": 0, "league": 0})
    for coop in coops:
        row = by[coop.get("township") or "（未填）"]
        row["count"] += 1
        row["young"] += int(coop.get("young_people_under_35") or 0)
        row["league"] += int(coop.get("league_members") or 0)
    return {"total": len(coops), "members": sum(int(x.get("members") or 0) for x in coops),
            "young": sum(int(x.get("young_people_under_35") or 0) for x in coops),
            "league": sum(int(x.get("league_members") or 0) for x in coops),
            "with_league": sum(1 for x in coops if x.get("has_league_org")
                               or x.get("league_org_present")),
            "by_township": [{"township": k, **v} for k, v in sorted(by.items())]}


def committee_context(rpc: Any, committee: dict[str, Any], kind: str,
                      scope: list[str] | None) -> dict[str, Any]:
    from gateway.documents.kinds import KINDS

    step = COMMITTEE_STEPS.get(kind)
    if step:
        require_step(committee, step, KINDS[kind].label)
    steps = committee.get("steps") or {}

    def dated(name: str) -> dict[str, Any]:
        data = dict(steps.get(name) or {})
        if data.get("on"):
            data["date"] = chinese_date(data["on"])
        return data

    plan = dated("plan_drafted")
    plan["levels"] = [zh("organization_levels", x) for x in plan.get("levels") or []]
    plan["levels_zh"] = "—".join(plan["levels"])
    plan.setdefault("summary", "")
    plan.setdefault("draft_leadership", None)
    prep = dated("preparatory_group_formed")
    people = prep.get("members") or []
    prep["count"] = len(people)
    prep["names"] = "、".join(f"{p['name']}（{p.get('office') or ''}）" for p in people)
    coordination = dated("coordination_recorded")
    coordination["text"] = ""
    if coordination:
        deps = "、".join(zh("departments", d)
                        for d in coordination.get("supporting_departments") or [])
        coordination["text"] = (
            ("已征得组织部门同意。" if coordination.get("org_dept_consent") else "")
            + (f"{deps}表示支持。" if deps else "")
            + (f"{chinese_date(coordination['meeting_date'])}召开成员单位协调会。"
               if coordination.get("meeting_date") else ""))
    conference = dated("founding_conference_held")
    conference["agenda"] = [_agenda_line(i) for i in conference.get("agenda_items") or []]
    conference["attendees"] = "、".join(conference.get("attendees") or [])
    leaders = _leaders(committee)
    survey = dated("survey_recorded")
    for key in ("cooperatives", "league_members", "young_people", "party_organizations",
                "league_organizations"):
        survey.setdefault(key, 0)
    survey.setdefault("report", "")
    context = {"committee": committee, "survey": survey, "plan": plan, "prep": prep,
               "coordination": coordination, "request": dated("establishment_requested"),
               "approval": dated("establishment_approved"), "conference": conference,
               "leaders": leaders, "signer": leaders["secretary"], "people": leaders["people"],
               "member_units": "、".join(u["name"] for u in committee.get("member_units")
                                         or [])}
    if kind == "survey-report":
        context["coops"] = cooperatives_summary(rpc, scope)
    return context


def _agenda_line(item: dict[str, Any]) -> str:
    label = zh("agenda_item_kinds", item.get("kind"))
    if item.get("kind") == "establishment_document_read":
        return "团县委负责同志宣读成立文件"
    if item.get("kind") == "work_report":
        return "团工委负责人作工作报告" + (f"：{item['title']}" if item.get("title") else "")
    if item.get("kind") == "bank_credit_signing":
        amount = item.get("credit_amount_fen")
        sum_text = f"，授信额度{amount / 1_000_000:,.0f}万元" if amount else ""
        return f"{item.get('bank') or ''}授信签约{sum_text}"
    return label + (f"：{item['title']}" if item.get("title") else "")
