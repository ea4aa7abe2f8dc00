"""A committee as org's get_committee answers it, through its founding conference."""

from __future__ import annotations

from typing import Any

STEPS: dict[str, dict[str, Any]] = {
    "survey_recorded": {"on": "2026-03-10", "cooperatives": 40, "league_members": 480,
                        "young_people": 1600, "party_organizations": 14,
                        "league_organizations": 3,
                        "report": "全区40家合作社，团员480名。\n多数合作社尚未建立团组织。"},
    "plan_drafted": {"on": "2026-03-20", "summary": "建立团工委、四个专业团委和合作社团支部。",
                     "levels": ["working_committee", "professional_committee", "branch",
                                "league_group"],
                     "draft_leadership": "书记由团区委副书记担任，副书记由成员单位推荐。"},
    "coordination_recorded": {"on": "2026-04-01", "org_dept_consent": True,
                              "supporting_departments": ["agriculture", "supply_coop"],
                              "meeting_date": "2026-04-01", "meeting_attendees": ["区农业局"]},
    "preparatory_group_formed": {"on": "2026-04-10", "members": [
        {"name": "张红梅", "office": "团区委"}, {"name": "李伟", "office": "区农业局"}]},
    "establishment_requested": {"on": "2026-04-20"},
    "establishment_approved": {"on": "2026-05-01", "document_number": "莱团发〔2026〕12号"},
    "founding_conference_held": {"on": "2026-05-20", "attendees": ["张红梅", "区农业局"],
                                 "agenda_items": [
                                     {"kind": "establishment_document_read"},
                                     {"kind": "work_report", "title": "合作组织建团工作"},
                                     {"kind": "bank_credit_signing", "bank": "莱城农商银行",
                                      "credit_amount_fen": 3_000_000_000},
                                     {"kind": "superior_leader_speeches"}]},
}
DEPUTIES = ["王芳", "李娜", "刘敏", "陈静", "杨丽", "赵强", "黄磊", "周军"]


def committee(upto: str | None = None) -> dict[str, Any]:
    steps: dict[str, dict[str, Any]] = {}
    for name, data in STEPS.items():
        steps[name] = data
        if name == upto:
            break
    units = [{"id": f"mu{i}", "name": f"区成员单位{i}", "department_type": "agriculture"}
             for i in range(8)]
    return {
        "id": "c1", "root_unit_id": "c1", "name": "莱城区农村合作组织团工委", "county": "莱城区",
        "county_code": "371202", "due_step": None, "established": True, "founded": True,
        "steps": steps, "member_units": units,
        "secretary": {"person_id": "s", "name": "张红梅", "on": "2026-04-15",
                      "from_county_league_committee": True},
        "deputy_secretaries": [{"person_id": f"d{i}", "name": n, "on": "2026-04-15",
                                "member_unit_id": f"mu{i}", "office": "办公室",
                                "is_office_head": True} for i, n in enumerate(DEPUTIES)],
        "committee_members": [{"person_id": "m1", "name": "徐明", "on": "2026-04-15",
                               "source": "township_league_secretary", "township": "凤城街道"}],
        "leadership_problems": [], "created_at": "", "updated_at": "", "version": 20,
    }
