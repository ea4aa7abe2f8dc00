"""The org service's enums with their zh-CN and English labels: enum name -> code ->
(zh-CN, en). The gateway serves them at `GET /api/v1/vocabularies` (gateway/vocabulary.py)
and labels exports and documents with them; the Chinese words are the official ones of
/shared/GLOSSARY.md. `tests/unit/test_vocabulary.py` checks that every code the service
accepts has both labels."""

from __future__ import annotations

Labels = dict[str, tuple[str, str]]

LABELS: dict[str, Labels] = {
    "unit_kinds": {
        "working_committee": ("团工委", "Working committee"),
        "professional_committee": ("专业团委", "Professional committee"),
        "general_branch": ("团总支", "General branch"),
        "branch": ("团支部", "Branch"),
        "joint_branch": ("联合团支部", "Joint branch"),
        "league_group": ("团小组", "League group"),
        "youth_organization": ("青年组织", "Youth organization"),
    },
    "organization_levels": {
        "working_committee": ("团工委", "Working committee"),
        "professional_committee": ("专业团委", "Professional committee"),
        "general_branch": ("团总支", "General branch"),
        "branch": ("团支部", "Branch"),
        "league_group": ("团小组", "League group"),
    },
    "unit_statuses": {
        "active": ("正常", "Active"),
        "merged": ("已合并", "Merged"),
        "dissolved": ("已撤销", "Dissolved"),
    },
    "formation_modes": {
        "standalone": ("独立建团", "Standalone"),
        "joint": ("联合建团", "Joint"),
        "affiliated": ("挂靠建团", "Affiliated"),
    },
    "managements": {
        "direct": ("团工委直管", "Managed directly"),
        "township": ("乡镇团委管理", "Managed by the township"),
    },
    "joint_modes": {
        "party_building_leads": ("党建带团建", "Party building leads"),
        "relying": ("依托建团", "Relying on a host"),
        "village_cooperative": ("村社联建", "Village and cooperative together"),
        "cooperative_cooperative": ("社社联建", "Cooperatives together"),
        "leading_enterprise": ("龙头企业带动建团", "Led by a leading enterprise"),
    },
    "group_functions": {
        "daily_management": ("日常管理", "Daily management"),
        "planting_breeding": ("种植养殖", "Planting and breeding"),
        "technology_extension": ("技术推广", "Technology extension"),
        "marketing": ("市场营销", "Marketing"),
        "information_liaison": ("信息联络", "Information liaison"),
    },
    "establishment_steps": {
        "survey_recorded": ("调查摸底", "Survey"),
        "plan_drafted": ("制定方案", "Plan"),
        "coordination_recorded": ("沟通协调", "Coordination meeting"),
        "preparatory_group_formed": ("成立筹备小组", "Preparatory group"),
        "establishment_requested": ("报请团县委", "Request to the county committee"),
        "establishment_approved": ("团县委批复", "Approval"),
        "founding_conference_held": ("召开成立大会", "Founding conference"),
    },
    "committee_member_sources": {
        "large_cooperative_league_leader": ("合作组织团组织负责人",
                                            "League leader of a cooperative"),
        "township_league_secretary": ("乡镇团委负责人", "Township League secretary"),
        "college_graduate_village_official": ("大学生村官", "College-graduate village official"),
    },
    "committee_posts": {
        "secretary": ("书记", "Secretary"),
        "deputy_secretary": ("副书记", "Deputy secretary"),
        "committee_member": ("委员", "Committee member"),
    },
    "agenda_item_kinds": {
        "establishment_document_read": ("宣读成立文件", "Reading of the founding document"),
        "work_report": ("工作报告", "Work report"),
        "bank_credit_signing": ("银行授信签约", "Bank credit signing"),
        "leadership_representative_speech": ("班子代表表态发言", "Leadership representative"),
        "professional_committee_speech": ("专业团委代表发言", "Professional committee speech"),
        "superior_leader_speeches": ("上级领导讲话", "Superior leaders' speeches"),
    },
    "member_kinds": {
        "league_member": ("团员", "League member"),
        "young_person": ("青年", "Young person"),
    },
    "member_statuses": {
        "active": ("在册", "Active"),
        "aged_out": ("超龄离团", "Aged out"),
        "left": ("已离团", "Left"),
    },
    "member_roles": {
        "branch_secretary": ("团支部书记", "Branch secretary"),
        "deputy_secretary": ("副书记", "Deputy secretary"),
        "group_leader": ("团小组长", "Group leader"),
        "committee_member": ("委员", "Committee member"),
    },
    "sexes": {"male": ("男", "Male"), "female": ("女", "Female")},
    "transfer_statuses": {
        "pending": ("待审批", "Pending"),
        "approved": ("已批准", "Approved"),
        "rejected": ("已驳回", "Rejected"),
        "cancelled": ("已撤回", "Cancelled"),
    },
    "supply_coop_relations": {
        "led": ("供销社领办", "Led by the supply co-op"),
        "shareholding": ("供销社参股", "Supply co-op holds shares"),
        "served": ("供销社服务", "Served by the supply co-op"),
        "none": ("无", "None"),
    },
    "league_building_modes": {
        "existing": ("已建团组织", "Has a League organization"),
        "standalone_direct": ("独立建团（团工委直管）", "Standalone, managed directly"),
        "joint_township": ("联合建团（乡镇管理）", "Joint branch in the township"),
        "youth_organization": ("成立青年组织", "Youth organization first"),
        "none": ("暂不具备条件", "Not yet"),
    },
    "service_request_kinds": {
        "policy_support": ("政策扶持", "Policy support"),
        "funding_support": ("资金支持", "Funding support"),
        "tax_relief": ("税收减免", "Tax relief"),
        "simplified_procedures": ("简化手续", "Simplified procedures"),
        "skills_training": ("技能培训", "Skills training"),
        "technology_service": ("科技服务", "Technology service"),
    },
    # services of the member departments (issue 12 part 6)
    "service_kinds": {
        "policy_support": ("政策扶持", "Policy support"),
        "funding_support": ("资金支持", "Funding support"),
        "tax_relief": ("税收减免", "Tax relief"),
        "simpler_procedures": ("简化手续", "Simpler procedures"),
        "training": ("技能培训", "Training"),
        "technical_help": ("科技服务", "Technical help"),
    },
    "service_request_statuses": {
        "submitted": ("已提交", "Submitted"),
        "accepted": ("已受理", "Accepted"),
        "answered": ("已答复", "Answered"),
        "closed": ("已办结", "Closed"),
    },
    "service_outcomes": {
        "supported": ("予以支持", "Supported"),
        "partly_supported": ("部分支持", "Partly supported"),
        "not_supported": ("不予支持", "Not supported"),
    },
}
