"""The activities service's enums with their zh-CN and English labels: enum name -> code ->
(zh-CN, en). The gateway serves them at `GET /api/v1/vocabularies` (gateway/vocabulary.py)
and labels exports and documents with them; the Chinese words are the official ones of
/shared/GLOSSARY.md. `tests/unit/test_vocabulary.py` checks that every code the service
accepts has both labels."""

from __future__ import annotations

Labels = dict[str, tuple[str, str]]

LABELS: dict[str, Labels] = {
    "activity_kinds": {
        "product_exhibition": ("产品展示", "Product exhibition"),
        "study_tour": ("考察交流", "Study tour"),
        "information_service": ("信息服务", "Information service"),
        "brand_matching": ("品牌对接", "Brand matching"),
        "marketing": ("市场营销", "Marketing"),
        "theme_education": ("主题教育", "Theme education"),
        "theme_league_day": ("主题团日", "Theme League day"),
        "skills_training": ("技能培训", "Skills training"),
        "skills_competition": ("技能竞赛", "Skills competition"),
        "e_commerce": ("电子商务", "E-commerce"),
        "technology_service": ("科技服务", "Technology service"),
        "youth_culture_festival": ("青年文化节", "Youth culture festival"),
        "volunteering": ("志愿服务", "Volunteering"),
        "sports_culture": ("文体活动", "Sports and culture"),
        "matchmaking": ("青年联谊", "Matchmaking"),
        "charity": ("公益活动", "Charity"),
        "other": ("其他", "Other"),
    },
    "activity_statuses": {
        "planned": ("计划中", "Planned"),
        "held": ("已开展", "Held"),
        "cancelled": ("已取消", "Cancelled"),
    },
    "lines_of_work": {
        "ideological_guidance": ("思想引领", "Ideological guidance"),
        "entrepreneurship": ("创业致富", "Entrepreneurship"),
        "culture_public_welfare": ("文化公益", "Culture and public welfare"),
    },
    "meeting_types": {
        "working_committee_regular": ("团工委工作例会", "Working committee regular meeting"),
        "pro_committee_quarterly_suggestion": ("专业团委发展建议会（每季度）",
                                               "Quarterly development advice meeting"),
        "pro_committee_monthly_industry_info": ("专业团委行业信息资源共享会（每月）",
                                                "Monthly industry information meeting"),
        "branch_monthly_youth_exchange": ("团支部青年社员沟通交流会（每月）",
                                          "Monthly young members' exchange"),
        "training_new_tech_class": ("知识培训和新技术推广课（定期）",
                                    "Training and new technology class"),
        "branch_assembly": ("团员大会", "Branch assembly"),
        "branch_committee": ("支部委员会", "Branch committee meeting"),
        "league_lecture": ("团课", "League lecture"),
    },
    "meeting_attendee_roles": {
        "secretary": ("团工委书记", "Secretary"),
        "deputy_secretary": ("团工委副书记", "Deputy secretary"),
        "committee_member": ("团工委委员", "Committee member"),
        "league_organization_head": ("合作社团组织负责人",
                                     "Head of a cooperative's League organization"),
        "member": ("团员青年", "Member"),
    },
    "compliance_statuses": {
        "due": ("待召开", "Due"),
        "held": ("已召开", "Held"),
        "overdue": ("逾期未开展", "Overdue"),
    },
}
