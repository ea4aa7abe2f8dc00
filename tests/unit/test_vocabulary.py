"""Every code a service accepts has a zh-CN and an English label (gateway/vocabulary.py)."""

from __future__ import annotations

import pytest

from gateway import auth, vocabulary
from services.activities.contract.enums import (
    ACTIVITY_KINDS,
    ATTENDEE_ROLES,
    LINES_OF_WORK,
    MEETING_TYPES,
)
from services.activities.domain.compliance import STATUSES as COMPLIANCE_STATUSES
from services.assessment.contract.schemas import (
    CATEGORIES,
    GRADES,
    KINDS,
    LETTER_STATUSES,
    OUTCOMES,
    RECOMMENDATION_STATUSES,
    ROUND_STATUSES,
)
from services.assessment.domain.recommendation import PRIORITIES
from services.funding.contract.enums import (
    APPLICATION_STATUSES,
    DUES_CATEGORIES,
    GUARANTEES,
    INCOME_SOURCES,
    PARTNER_EVENT_TYPES,
    PRECHECK_OUTCOMES,
    PROVIDER_KINDS,
)
from services.org.contract.enums import (
    AGENDA_ITEM_KINDS,
    COMMITTEE_MEMBER_SOURCES,
    DEPARTMENT_TYPES,
    FORMATION_MODES,
    GROUP_FUNCTIONS,
    JOINT_MODES,
    MANAGEMENTS,
    MEMBER_KINDS,
    MEMBER_STATUSES,
    ORGANIZATION_LEVELS,
    ROLES,
    SERVICE_KINDS,
    SERVICE_OUTCOMES,
    SERVICE_REQUEST_STATUSES,
    SEXES,
    UNIT_STATUSES,
)
from services.org.contract.schemas import SUPPLY_COOP_RELATIONS, TRANSFER_STATUSES
from services.org.domain.committee import WORKFLOW
from services.org.domain.unit import UNIT_KINDS

ENUMS = {
    "departments": auth.DEPARTMENTS + DEPARTMENT_TYPES, "roles": auth.ROLES,
    "unit_kinds": UNIT_KINDS, "organization_levels": ORGANIZATION_LEVELS,
    "unit_statuses": UNIT_STATUSES, "formation_modes": FORMATION_MODES,
    "managements": MANAGEMENTS, "joint_modes": JOINT_MODES, "group_functions": GROUP_FUNCTIONS,
    "establishment_steps": WORKFLOW, "committee_member_sources": COMMITTEE_MEMBER_SOURCES,
    "agenda_item_kinds": AGENDA_ITEM_KINDS, "member_kinds": MEMBER_KINDS,
    "member_statuses": MEMBER_STATUSES, "member_roles": ROLES, "sexes": SEXES,
    "transfer_statuses": TRANSFER_STATUSES, "supply_coop_relations": SUPPLY_COOP_RELATIONS,
    "activity_kinds": ACTIVITY_KINDS, "meeting_types": MEETING_TYPES,
    "lines_of_work": tuple(LINES_OF_WORK),
    "meeting_attendee_roles": ATTENDEE_ROLES,
    "compliance_statuses": COMPLIANCE_STATUSES, "income_sources": INCOME_SOURCES,
    "dues_categories": DUES_CATEGORIES, "venue_provider_kinds": PROVIDER_KINDS,
    "guarantees": GUARANTEES, "partner_event_types": PARTNER_EVENT_TYPES,
    "credit_application_statuses": APPLICATION_STATUSES, "precheck_outcomes": PRECHECK_OUTCOMES,
    "commitment_categories": CATEGORIES, "letter_statuses": LETTER_STATUSES,
    "round_statuses": ROUND_STATUSES, "grades": GRADES, "recommendation_kinds": KINDS,
    "recommendation_outcomes": OUTCOMES, "recommendation_statuses": RECOMMENDATION_STATUSES,
    "service_kinds": SERVICE_KINDS, "service_request_statuses": SERVICE_REQUEST_STATUSES,
    "service_outcomes": SERVICE_OUTCOMES,
    "recommendation_priorities": PRIORITIES,
}


@pytest.mark.parametrize("name", sorted(ENUMS))
def test_every_code_has_both_labels(name):
    labels = vocabulary.VOCABULARIES[name]
    missing = [code for code in ENUMS[name] if code not in labels]
    assert not missing, f"{name}: no label for {missing}"
    for code, (zh, en) in labels.items():
        assert zh and en, code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), f"{name}.{code}: not Chinese"


def test_the_document_lists_every_vocabulary_in_both_languages():
    doc = vocabulary.document()
    assert doc["default_language"] == "zh-CN"
    grades = {e["code"]: e for e in doc["vocabularies"]["grades"]}
    assert grades["basically_competent"]["zh-CN"] == "基本称职"
    assert grades["basically_competent"]["en"] == "Basically competent"
    assert vocabulary.labels("zh-CN")["establishment_steps"]["survey_recorded"] == "调查摸底"


def test_export_headers_are_chinese_or_the_code():
    assert vocabulary.header("uscc", "zh-CN") == "统一社会信用代码"
    assert vocabulary.header("uscc", "en") == "uscc"
    assert vocabulary.header("no_such_field", "zh-CN") == "no_such_field"


def test_the_services_labels_come_from_their_contracts_once_each():
    from services.activities.contract.labels import LABELS as activities
    from services.assessment.contract.labels import LABELS as assessment
    from services.funding.contract.labels import LABELS as funding
    from services.org.contract.labels import LABELS as org

    owners = [vocabulary.GATEWAY, org, activities, funding, assessment]
    assert sum(len(o) for o in owners) == len(vocabulary.VOCABULARIES)
    assert vocabulary.VOCABULARIES["grades"] is assessment["grades"]
    assert vocabulary.VOCABULARIES["meeting_types"] is activities["meeting_types"]
    assert list(vocabulary.VOCABULARIES) == list(vocabulary.ORDER)
    with pytest.raises(ValueError, match="twice"):
        vocabulary._compose(org, org)
    with pytest.raises(ValueError, match="ORDER"):
        vocabulary._compose(org)
