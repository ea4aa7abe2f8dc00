"""One vocabulary: every enum of the API with its zh-CN and English labels.

Served at `GET /api/v1/vocabularies` for the console, the exports and integrators. The codes
are the services' own (the API keeps its English codes); the Chinese words are the official
ones of /shared/GLOSSARY.md. `tests/unit/test_vocabulary.py` checks that every code a service
accepts has a label here, so a new enum value cannot ship without its Chinese word.
"""

from __future__ import annotations

from typing import Any

# enum name -> code -> (zh-CN, en)
Labels = dict[str, tuple[str, str]]

VOCABULARIES: dict[str, Labels] = {
    "departments": {
        "league_committee": ("团县委", "County League committee"),
        "organization": ("县委组织部", "Organization department"),
        "agriculture": ("农业局", "Agriculture bureau"),
        "supply_coop": ("供销社", "Supply and marketing cooperative"),
        "economic_management": ("经管站", "Rural economic management station"),
        "commerce": ("工商局", "Commerce bureau"),
        "science_technology": ("科技局", "Science and technology bureau"),
        "civil_affairs": ("民政局", "Civil affairs bureau"),
        "tax": ("税务局", "Tax bureau"),
        "finance": ("财政局", "Finance bureau"),
        "bank": ("金融机构", "Bank"),
        "association": ("协会", "Association"),
        "other": ("其他", "Other"),
    },
    "roles": {
        "admin": ("管理员", "Administrator"),
        "editor": ("经办人", "Editor"),
        "viewer": ("查看者", "Viewer"),
    },
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
    "income_sources": {
        "dues_rebate": ("团费返还", "Dues rebate"),
        "enterprise_sponsorship": ("龙头企业赞助", "Enterprise sponsorship"),
        "aid_unit_support": ("帮扶单位支持", "Aid unit support"),
        "cooperative_self_funding": ("合作组织自筹", "Cooperative self-funding"),
        "government_allocation": ("财政拨款", "Government allocation"),
    },
    "dues_categories": {
        "with_income": ("有收入团员", "With income"),
        "student": ("学生团员", "Student"),
        "farmer_without_salary": ("无固定工资收入的农民团员", "Farmer without salary"),
        "unemployed": ("失业团员", "Unemployed"),
        "on_relief": ("享受最低生活保障的团员", "On relief"),
        "party_member_exempt": ("党员团员（免交团费）", "Party member (exempt)"),
    },
    "venue_provider_kinds": {
        "cooperative": ("合作组织", "Cooperative"),
        "cadre_employer": ("团干部所在单位", "The cadre's employer"),
        "other_unit": ("其他单位", "Other unit"),
    },
    "guarantees": {
        "credit": ("信用", "Unsecured"),
        "guarantor": ("保证", "Guarantor"),
        "joint": ("联保", "Joint liability"),
        "mortgage": ("抵押", "Mortgage"),
        "pledge": ("质押", "Pledge"),
        "guarantee_fund": ("担保基金", "Guarantee fund"),
    },
    "partner_event_types": {
        "credit.granted": ("授信", "Credit granted"),
        "loan.disbursed": ("放款", "Loan disbursed"),
        "loan.repaid": ("还款", "Loan repaid"),
        "loan.overdue": ("逾期", "Loan overdue"),
        "credit.revoked": ("撤销授信", "Credit revoked"),
        "credit.refused": ("拒绝贷款申请", "Application refused"),
    },
    "credit_application_statuses": {
        "submitted": ("已申请", "Submitted"),
        "prechecked": ("已预审", "Pre-checked"),
        "declined": ("预审未通过", "Declined at the pre-check"),
        "recommended": ("已推荐", "Recommended"),
        "sent": ("已报送银行", "Sent to the bank"),
        "granted": ("已授信", "Granted"),
        "refused": ("银行未批准", "Refused by the bank"),
    },
    "precheck_outcomes": {
        "passed": ("预审通过", "Passed"),
        "failed": ("预审未通过", "Failed"),
    },
    "commitment_categories": {
        "common": ("共性承诺", "Common commitment"),
        "post": ("岗位承诺", "Post commitment"),
        "practical_deeds": ("实事承诺", "Practical deeds"),
        "self_discipline": ("自律承诺", "Self-discipline"),
    },
    "letter_statuses": {
        "drafted": ("草拟", "Drafted"),
        "submitted": ("已提交", "Submitted"),
        "published": ("公示中", "Published"),
        "in_progress": ("履诺中", "In progress"),
        "assessed": ("已考核", "Assessed"),
    },
    "comment_statuses": {
        "pending": ("待审核", "Pending"),
        "accepted": ("已采纳", "Accepted"),
        "rejected": ("未采纳", "Rejected"),
    },
    "round_statuses": {
        "open": ("进行中", "Open"),
        "closed": ("已截止", "Closed"),
        "graded": ("已评定", "Graded"),
    },
    "grades": {
        "excellent": ("优秀", "Excellent"),
        "competent": ("称职", "Competent"),
        "basically_competent": ("基本称职", "Basically competent"),
        "incompetent": ("不称职", "Incompetent"),
    },
    "recommendation_kinds": {
        "party_membership": ("推优入党", "Party membership"),
        "league_award": ("团内表彰", "League award"),
        "training": ("培训推荐", "Training"),
    },
    "recommendation_outcomes": {
        "accepted": ("已采纳", "Accepted"),
        "declined": ("未采纳", "Declined"),
        "pending": ("待定", "Pending"),
    },
    "recommendation_priorities": {
        "excellent_first": ("优先推荐（最近一轮评定优秀）", "Excellent in the latest round: first"),
        "regular": ("一般推荐", "Regular"),
    },
    "recommendation_statuses": {
        "proposed": ("已提名", "Proposed"),
        "voted": ("已表决", "Voted"),
        "submitted": ("已上报", "Submitted"),
        "decided": ("已决定", "Decided"),
    },
    "service_request_kinds": {
        "policy_support": ("政策扶持", "Policy support"),
        "funding_support": ("资金支持", "Funding support"),
        "tax_relief": ("税收减免", "Tax relief"),
        "simplified_procedures": ("简化手续", "Simplified procedures"),
        "skills_training": ("技能培训", "Skills training"),
        "technology_service": ("科技服务", "Technology service"),
    },
    "dashboard_sections": {
        "tree": ("组织建设", "League tree"),
        "coverage": ("建团覆盖率", "Coverage"),
        "members": ("团员与青年", "Members"),
        "meetings_compliance": ("例会落实", "Meeting compliance"),
        "activities": ("活动开展", "Activities"),
        "funds": ("经费", "Funds"),
        "credit": ("信贷", "Credit"),
        "assessment": ("承诺与考核", "Assessment"),
    },
    "audit_kinds": {
        "event": ("业务操作", "Event"),
        "refusal": ("被拒绝的请求", "Refused request"),
        "auth": ("登录记录", "Sign-in record"),
    },
    "auth_events": {
        "login": ("登录成功", "Signed in"),
        "login_failed": ("登录失败", "Failed sign-in"),
        "locked_out": ("账户锁定", "Locked out"),
        "logout": ("退出登录", "Signed out"),
        "refresh_reused": ("刷新令牌被重复使用（已注销全部会话）", "Refresh token reused"),
        "disabled": ("账户停用", "Account disabled"),
        "password_reset": ("重置密码", "Password reset"),
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

# Column headers of the CSV/XLSX exports (and of the console's tables): field -> labels.
FIELDS: Labels = {
    "id": ("编号", "ID"), "name": ("名称", "Name"), "title": ("标题", "Title"),
    "unit_id": ("所属团组织", "Unit"), "unit_ids": ("相关团组织", "Units"),
    "kind": ("类别", "Kind"), "status": ("状态", "Status"), "sex": ("性别", "Sex"),
    "resident_id": ("公民身份号码", "Resident ID"), "phone": ("联系电话", "Phone"),
    "birth_date": ("出生日期", "Birth date"), "joined_on": ("入团日期", "Joined on"),
    "roles": ("职务", "Roles"), "township": ("乡镇", "Township"),
    "uscc": ("统一社会信用代码", "USCC"), "chair": ("理事长", "Chair"),
    "industry_category": ("产业类别", "Industry"), "product": ("主营产品", "Product"),
    "business_mode": ("经营方式", "Business mode"), "members": ("成员数", "Members"),
    "farmer_members": ("农民成员数", "Farmer members"),
    "young_people_under_35": ("35岁以下青年数", "Young people under 35"),
    "league_members": ("团员数", "League members"),
    "party_org_present": ("已建党组织", "Party organization"),
    "league_org_present": ("已建团组织", "League organization"),
    "league_building": ("建团建议", "League-building advice"),
    "registered_at": ("登记时间", "Registered at"), "updated_at": ("更新时间", "Updated at"),
    "starts_at": ("开始时间", "Starts at"), "ends_at": ("结束时间", "Ends at"),
    "organizer_unit_ids": ("主办团组织", "Organizers"),
    "co_organizer_unit_ids": ("协办团组织", "Co-organizers"),
    "participants": ("参加人数", "Participants"), "location": ("地点", "Location"),
    "balance": ("余额（分）", "Balance (fen)"), "income": ("收入（分）", "Income (fen)"),
    "spent": ("支出（分）", "Spent (fen)"), "year": ("年度", "Year"),
    "bank": ("银行", "Bank"), "applicant": ("申请人", "Applicant"),
    "amount_fen": ("金额（分）", "Amount (fen)"), "granted_on": ("授信日期", "Granted on"),
    "guarantee": ("担保方式", "Guarantee"), "member_id": ("团员", "Member"),
    "round_id": ("考核轮次", "Round"), "grade": ("等次", "Grade"),
    "score": ("得分", "Score"), "committee_id": ("团工委", "Committee"),
    "created_at": ("创建时间", "Created at"), "version": ("版本", "Version"),
}


def labels(lang: str) -> dict[str, dict[str, str]]:
    """Every enum's labels in one language (`zh-CN` or `en`)."""
    index = 1 if lang == "en" else 0
    return {name: {code: pair[index] for code, pair in values.items()}
            for name, values in VOCABULARIES.items()}


def document() -> dict[str, Any]:
    """The answer of `GET /api/v1/vocabularies`."""
    return {
        "languages": ["zh-CN", "en"],
        "default_language": "zh-CN",
        "vocabularies": {
            name: [{"code": code, "zh-CN": zh, "en": en} for code, (zh, en) in values.items()]
            for name, values in VOCABULARIES.items()},
        "fields": [{"code": code, "zh-CN": zh, "en": en} for code, (zh, en) in FIELDS.items()],
    }


def header(field: str, lang: str) -> str:
    """An export column's header: the Chinese label, or the field's code for `lang=en` (what
    integrators parse) and where no label is known."""
    pair = FIELDS.get(field)
    return pair[0] if pair is not None and lang != "en" else field
