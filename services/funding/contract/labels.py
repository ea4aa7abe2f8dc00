"""The funding service's enums with their zh-CN and English labels: enum name -> code ->
(zh-CN, en). The gateway serves them at `GET /api/v1/vocabularies` (gateway/vocabulary.py)
and labels exports and documents with them; the Chinese words are the official ones of
/shared/GLOSSARY.md. `tests/unit/test_vocabulary.py` checks that every code the service
accepts has both labels."""

from __future__ import annotations

Labels = dict[str, tuple[str, str]]

LABELS: dict[str, Labels] = {
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
}
