"""Demo county, issue 12 part 6: services of the member departments (runs after seed_rules).

Cooperatives ask through their League branches; the departments answer with their own
tokens: a tax relief answered and closed, a funding request answered, a policy support
accepted but not answered in 15 working days and a simpler-procedures request never
accepted (both on the overdue list), a training asked for a young entrepreneur that the
science and technology bureau runs as an activity and answers with, and a recent technical
help request still in time. Fixed dates and Idempotency-Keys: running it again changes
nothing.
"""

from __future__ import annotations

from typing import Any

from deploy.demo.client import Client
from gateway import auth


def _key(*parts: Any) -> str:
    return "demo-i12-svc-" + "-".join(str(p) for p in parts)


def _as(client: Client, department: str) -> Client:
    """The same gateway with a department's own editor token."""
    other = Client.__new__(Client)
    other.base, other.session = client.base, client.session
    other.token = auth.issue(f"demo-{department}", department, "editor", ttl=3600)
    return other


def _asking_units(client: Client, state: dict, count: int) -> list[tuple[str, str]]:
    """(cooperative id, a branch covering it) for the first cooperatives with a branch."""
    coops = state.get("cooperatives") or client.get("/cooperatives?limit=40")["items"]
    out: list[tuple[str, str]] = []
    for coop in coops:
        units = client.get(f"/units?cooperative_id={coop['id']}&status=active")["items"]
        branch = next((u["id"] for u in units
                       if u["kind"] in ("branch", "general_branch", "joint_branch")), None)
        if branch:
            out.append((coop["id"], branch))
        if len(out) == count:
            break
    return out


REQUESTS = (
    # (name, kind, title, description, submitted_on)
    ("tax", "tax_relief", "申请农产品初加工增值税减免",
     "合作社销售自产苹果及初加工产品，申请按规定享受增值税免征政策。", "2026-09-07"),
    ("policy", "policy_support", "申请高标准果园建设扶持",
     "合作社计划新建矮砧密植果园200亩，申请纳入县级产业扶持项目。", "2026-10-12"),
    ("procedures", "simpler_procedures", "申请简化成员变更登记手续",
     "合作社新增青年成员12人，申请合并办理成员变更登记。", "2026-10-19"),
    ("funding", "funding_support", "申请冷库建设资金支持",
     "合作社拟建300吨冷库，申请财政专项资金补助。", "2026-11-02"),
    ("technical", "technical_help", "申请病虫害绿色防控技术指导",
     "樱桃园出现流胶病，申请科技特派员现场指导。", "2026-11-23"),
)


def load(client: Client, state: dict) -> None:
    asking = _asking_units(client, state, len(REQUESTS) + 1)
    if len(asking) < len(REQUESTS) + 1:
        print("demo: i12 services: not enough cooperatives with a branch; skipped")
        return
    made: dict[str, dict] = {}
    for (name, kind, title, text, on), (coop, unit) in zip(REQUESTS, asking, strict=False):
        made[name] = client.post("/service-requests", {
            "unit_id": unit, "kind": kind, "cooperative_id": coop, "title": title,
            "description": text, "submitted_on": on}, _key("submit", name))
    tax, agriculture = _as(client, "tax"), _as(client, "agriculture")
    finance, sci = _as(client, "finance"), _as(client, "science_technology")
    url = "/service-requests/{}/".format
    # 税务局: accepted, answered within the time, closed
    tax.post(url(made["tax"]["id"]) + "accept", {"on": "2026-09-08", "note": "已受理，材料齐全"},
             _key("tax", "accept"))
    tax.post(url(made["tax"]["id"]) + "answer", {
        "on": "2026-09-18", "outcome": "supported",
        "answer": "经审核，符合农业生产者销售自产农产品免征增值税条件，已办理备案。"},
        _key("tax", "answer"))
    tax.post(url(made["tax"]["id"]) + "close", {"on": "2026-09-21", "note": "合作社已确认"},
             _key("tax", "close"))
    # 农业局: accepted, not answered: overdue (due 2026-11-02)
    agriculture.post(url(made["policy"]["id"]) + "accept", {"on": "2026-10-13"},
                     _key("policy", "accept"))
    # 工商局: never accepted: overdue (due 2026-11-09)
    # 财政局: answered, partly supported
    finance.post(url(made["funding"]["id"]) + "accept", {"on": "2026-11-03"},
                 _key("funding", "accept"))
    finance.post(url(made["funding"]["id"]) + "answer", {
        "on": "2026-11-16", "outcome": "partly_supported",
        "answer": "纳入明年冷链设施补助计划，按建设投资的30%补助，其余请申请创业小额贷款。"},
        _key("funding", "answer"))
    # 科技局: a training for a young entrepreneur, run as an activity, answered with it
    coop, unit = asking[len(REQUESTS)]
    training_request = client.post("/service-requests", {
        "unit_id": unit, "kind": "training", "cooperative_id": coop,
        "entrepreneur_id": "demo-entrepreneur-liqiang", "entrepreneur_name": "李强",
        "title": "申请电商直播与果品分级培训",
        "description": "青年致富骨干李强带领社员开展网络销售，申请技能培训。",
        "submitted_on": "2026-10-08"}, _key("submit", "training"))
    sci.post(url(training_request["id"]) + "accept", {"on": "2026-10-09"},
             _key("training", "accept"))
    training = sci.post("/trainings", {
        "organizer_unit_ids": [unit], "kind": "skills_training",
        "title": "农村青年电商直播与果品分级技能培训班",
        "starts_at": "2026-10-20T09:00:00+08:00", "ends_at": "2026-10-20T16:00:00+08:00",
        "venue": "镇农业技术推广站", "audience": "合作社青年社员、青年致富骨干",
        "expected_attendance": 40}, _key("training", "plan"))
    attendees = [m["id"] for m in state.get("members", []) if m.get("unit_id") == unit][:8]
    if training["status"] == "planned":
        sci.post(f"/trainings/{training['id']}/hold", {
            "held_on": "2026-10-20", "attendee_member_ids": attendees,
            "summary": "科技局专家讲授直播带货与果品分级标准，现场实操演练。",
            "outcome_figures": {"trained": 38}}, _key("training", "hold"))
    sci.post(url(training_request["id"]) + "answer", {
        "on": "2026-10-21", "outcome": "supported", "activity_id": training["id"],
        "answer": "已于10月20日举办电商直播与果品分级技能培训班，培训38人。"},
        _key("training", "answer"))
    sci.post(url(training_request["id"]) + "close", {"on": "2026-10-23"},
             _key("training", "close"))
    overdue = client.get("/service-requests/overdue")
    by_department = ", ".join(f"{d['department_label']} {d['count']}"
                              for d in overdue["departments"])
    print(f"demo: i12 services: {len(made) + 1} requests; overdue: {overdue['total']}"
          f" ({by_department}); training {training['id']}")
