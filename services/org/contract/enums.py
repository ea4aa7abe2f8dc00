"""The org service's enums: the API's codes (their zh-CN and English labels are beside,
in `labels.py`). Its domain, schemas and events use these."""

from __future__ import annotations

FORMATION_MODES: tuple[str, ...] = ("standalone", "joint", "affiliated")

MANAGEMENTS: tuple[str, ...] = ("direct", "township")

JOINT_MODES: tuple[str, ...] = (
    "party_building_leads",
    "relying",
    "village_cooperative",
    "cooperative_cooperative",
    "leading_enterprise",
)

GROUP_FUNCTIONS: tuple[str, ...] = (
    "daily_management",
    "planting_breeding",
    "technology_extension",
    "marketing",
    "information_liaison",
)

UNIT_STATUSES: tuple[str, ...] = ("active", "merged", "dissolved")

UNIT_KINDS: tuple[str, ...] = (
    "working_committee",
    "professional_committee",
    "general_branch",
    "branch",
    "joint_branch",
    "league_group",
    "youth_organization",
)

MEMBER_KINDS: tuple[str, ...] = ("league_member", "young_person")

SEXES: tuple[str, ...] = ("male", "female")

ROLES: tuple[str, ...] = (
    "branch_secretary",
    "deputy_secretary",
    "group_leader",
    "committee_member",
)

MEMBER_STATUSES: tuple[str, ...] = ("active", "aged_out", "left")

SUPPLY_COOP_RELATIONS: tuple[str, ...] = ("led", "shareholding", "served", "none")

DEPARTMENT_TYPES: tuple[str, ...] = (
    "organization",
    "agriculture",
    "supply_coop",
    "economic_management",
    "commerce",
    "science_technology",
    "civil_affairs",
    "tax",
    "finance",
    "bank",
    "association",
    "other",
)

COMMITTEE_MEMBER_SOURCES: tuple[str, ...] = (
    "large_cooperative_league_leader",
    "township_league_secretary",
    "college_graduate_village_official",
)

ORGANIZATION_LEVELS: tuple[str, ...] = (
    "working_committee",
    "professional_committee",
    "general_branch",
    "branch",
    "league_group",
)

# Founding conference agenda (seed, step 5): the first two and the last are the fixed
# programme; the others are the optional items the seed lists.
AGENDA_ITEM_KINDS: tuple[str, ...] = (
    "establishment_document_read",
    "work_report",
    "bank_credit_signing",
    "leadership_representative_speech",
    "professional_committee_speech",
    "superior_leader_speeches",
)

# Why a person's data are erased (PIPL Art. 47): their request (or consent withdrawn), or
# the retention period of their kind has passed (the daily retention job).
ERASURE_BASES = ("request", "retention")

# Services of the member departments (issue 12 part 6; seed: 政策扶持、资金支持、税收减免、
# 简化手续, 技能培训、科技服务): what a cooperative or a young entrepreneur asks for.
SERVICE_KINDS: tuple[str, ...] = (
    "policy_support",
    "funding_support",
    "tax_relief",
    "simpler_procedures",
    "training",
    "technical_help",
)

# submitted -> accepted -> answered -> closed, strictly in this order
SERVICE_REQUEST_STATUSES: tuple[str, ...] = ("submitted", "accepted", "answered", "closed")

SERVICE_OUTCOMES: tuple[str, ...] = ("supported", "partly_supported", "not_supported")

# The member departments a request may be routed to (the gateway's token departments,
# without the League committee itself: it submits, the departments answer).
SERVICE_DEPARTMENTS: tuple[str, ...] = (
    "organization",
    "agriculture",
    "supply_coop",
    "economic_management",
    "commerce",
    "science_technology",
    "civil_affairs",
    "tax",
    "finance",
    "bank",
)
