"""The funding service's enums: the API's codes (their zh-CN and English labels are beside,
in `labels.py`). Its domain, schemas and events use these."""

from __future__ import annotations

PROVIDER_KINDS = ("cooperative", "cadre_employer", "other_unit")

INCOME_SOURCES = (
    "dues_rebate",
    "enterprise_sponsorship",
    "aid_unit_support",
    "cooperative_self_funding",
    "government_allocation",
)

DUES_CATEGORIES = (
    "with_income",
    "student",
    "farmer_without_salary",
    "unemployed",
    "on_relief",
    "party_member_exempt",
)

PARTNER_EVENT_TYPES = (
    "credit.granted",
    "loan.disbursed",
    "loan.repaid",
    "loan.overdue",
    "credit.revoked",
    "credit.refused",  # the bank refuses an application (by its application_ref)
)

GUARANTEES = ("credit", "guarantor", "joint", "mortgage", "pledge", "guarantee_fund")

# What credit figures can be grouped by (`GET /credit/figures?group_by=`).
CREDIT_GROUPS: tuple[str, ...] = ("partner", "township", "industry", "unit", "month", "guarantee",
                                  "beneficiary_kind")

# Credit applications of young entrepreneurs (domain/applications.py).
APPLICATION_STATUSES = ("submitted", "prechecked", "declined", "recommended", "sent", "granted",
                        "refused")
PRECHECK_OUTCOMES = ("passed", "failed")
