"""One vocabulary: every enum of the API with its zh-CN and English labels.

Served at `GET /api/v1/vocabularies` for the console, the exports and integrators. The codes
are the services' own (the API keeps its English codes) and so are their labels: each
service's contract publishes its enums' labels (`services/<svc>/contract/labels.py`); the
gateway adds its own (departments, roles, dashboard sections, audit kinds, sign-in events)
and the export column headers. The Chinese words are the official ones of
/shared/GLOSSARY.md. `tests/unit/test_vocabulary.py` checks that every code a service
accepts has a label here, so a new enum value cannot ship without its Chinese word.
"""

from __future__ import annotations

from typing import Any

from services.activities.contract.labels import LABELS as ACTIVITIES
from services.assessment.contract.labels import LABELS as ASSESSMENT
from services.funding.contract.labels import LABELS as FUNDING
from services.org.contract.labels import LABELS as ORG

# enum name -> code -> (zh-CN, en)
Labels = dict[str, tuple[str, str]]

# The gateway's own enums: who signs in, what the dashboard and the audit log show.
GATEWAY: dict[str, Labels] = {
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
}

# The order the API has always served them in (the console lists them so).
ORDER: tuple[str, ...] = (
    "departments", "roles", "unit_kinds", "organization_levels", "unit_statuses",
    "formation_modes", "managements", "joint_modes", "group_functions", "establishment_steps",
    "committee_member_sources", "committee_posts", "agenda_item_kinds", "member_kinds",
    "member_statuses", "member_roles", "sexes", "transfer_statuses", "supply_coop_relations",
    "league_building_modes", "activity_kinds", "activity_statuses", "lines_of_work",
    "meeting_types", "meeting_attendee_roles", "compliance_statuses", "income_sources",
    "dues_categories", "venue_provider_kinds", "guarantees", "partner_event_types",
    "credit_application_statuses", "precheck_outcomes", "commitment_categories",
    "letter_statuses", "comment_statuses", "round_statuses", "grades", "recommendation_kinds",
    "recommendation_outcomes", "recommendation_priorities", "recommendation_statuses",
    "service_request_kinds", "dashboard_sections", "audit_kinds", "auth_events", "service_kinds",
    "service_request_statuses", "service_outcomes",
)


def _compose(*sources: dict[str, Labels]) -> dict[str, Labels]:
    """Every vocabulary once, in ORDER: a name two owners publish, or one ORDER lacks, is a
    mistake caught at import."""
    merged: dict[str, Labels] = {}
    for source in sources:
        doubled = merged.keys() & source.keys()
        if doubled:
            raise ValueError(f"vocabularies published twice: {sorted(doubled)}")
        merged.update(source)
    if sorted(merged) != sorted(ORDER):
        raise ValueError(f"vocabularies out of ORDER: {sorted(set(merged) ^ set(ORDER))}")
    return {name: merged[name] for name in ORDER}


VOCABULARIES: dict[str, Labels] = _compose(GATEWAY, ORG, ACTIVITIES, FUNDING, ASSESSMENT)

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
