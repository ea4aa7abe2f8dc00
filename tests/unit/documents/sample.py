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


LETTER = {"id": "l1", "committee_id": "c1", "member_id": "d0", "member_name": "王芳",
          "year": 2026, "status": "published", "drafted_on": "2026-01-05",
          "signed_on": "2026-01-08", "published_on": "2026-01-10", "notice_days": 7,
          "current_version": 1, "item_count": 4,
          "items": [{"item_id": f"i{i}", "category": c, "content": f"{label}的内容",
                     "target": "全年完成", "deadline": "2026-12-31"}
                    for i, (c, label) in enumerate((("common", "学习贯彻"),
                                                    ("post", "联系合作社"),
                                                    ("practical_deeds", "办一件实事"),
                                                    ("self_discipline", "廉洁自律")))]}
RESULT = {"round_id": "r1", "member_id": "d0", "member_name": "王芳", "committee_id": "c1",
          "year": 2026, "self_mean": "92.00", "peer_mean": "90.50", "unit_mean": "91.00",
          "public_mean": "88.00", "self_count": 1, "peer_count": 8, "unit_count": 1,
          "public_count": 12, "missing": [], "weighted": "90.10", "adjustment": 0,
          "final": "90.10", "grade": "excellent", "excellent_rank": 1,
          "capped_by_quota": False, "flags": [],
          "reported_to": [{"unit_id": "mu0", "department": "agriculture",
                           "reported_on": "2026-12-20"}], "graded_at": "2026-12-15"}
MEETING = {"id": "mt1", "meeting_type": "branch_monthly_youth_exchange", "unit_id": "u1",
           "held_on": "2026-06-12", "place": "苹果专业合作社会议室",
           "attendee_member_ids": ["p1", "p2"], "absentees": [{"member_id": "p3",
                                                              "reason": "外出务工"}],
           "topics": ["苹果销售渠道", "电商培训安排"], "resolutions": ["组织直播带货培训"],
           "minutes": "书记通报了上月工作。\n大家讨论了销售问题。", "status": "recorded"}
MEMBERS = [{"id": f"p{i}", "name": n, "sex": "female" if i % 2 else "male", "ethnicity": "汉族",
            "resident_id": "**************" + f"{1230 + i}", "birth_date": "2000-01-0" + str(i),
            "kind": "league_member", "join_date": f"2020-0{i}-01", "registered_on": "2020-01-01",
            "education": "高中", "occupation": "农民", "phone": "*******" + f"{5670 + i}",
            "status": "active" if i < 5 else "left", "status_since": "2026-01-01",
            "unit_id": "u1"} for i, n in enumerate(("刘洋", "陈静", "杨帆", "赵敏", "孙磊"), 1)]


RECOMMENDATION = {"id": "x1", "kind": "party_membership", "member_id": "p1", "member_name": "刘洋",
                  "committee_id": "c1", "round_id": "r1", "round_grade": "excellent",
                  "reason": "工作积极，带头发展电商。", "status": "voted", "outcome": None,
                  "proposed_on": "2026-03-01", "party_applied_on": "2025-06-01",
                  "vote": {"branch_id": "u1", "vote_on": "2026-03-10", "voting_members": 12,
                           "in_favour": 10, "against": 1, "abstain": 1},
                  "history": [], "updated_at": "", "version": 2}


class FakeOrg:
    def get_committee(self, committee_id, scope):
        return committee()

    def get_unit(self, unit_id, scope):
        return {"id": unit_id, "name": "凤城街道苹果专业合作社团支部", "kind": "branch"}

    def list_members(self, filters, limit, cursor, scope):
        return {"items": MEMBERS, "next_cursor": None}

    def list_cooperatives(self, filters, limit, cursor, scope):
        return {"items": [{"township": "凤城街道", "members": 40, "young_people_under_35": 12,
                           "league_members": 4, "has_league_org": True}],
                "next_cursor": None}


class FakeAssessment:
    def committee_members(self, committee_id, scope):
        return {"items": [{"person_id": "d0", "name": "王芳", "roles": ["deputy_secretary"],
                           "home_unit_id": "mu0", "department": "agriculture", "units": []}],
                "next_cursor": None}

    def get_round(self, round_id, scope):
        return {"id": round_id, "status": "graded"}

    def get_result(self, round_id, member_id, scope):
        return dict(RESULT)


class FakeRpc:
    org = FakeOrg()
    assessment = FakeAssessment()
