"""The org contract's committee events (establishment steps, member units, leadership).

Registered on `events.registry` when `events` is imported (its last line)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from eventkit.personal import Personal
from services.org.contract.enums import (
    AGENDA_ITEM_KINDS,
    COMMITTEE_MEMBER_SOURCES,
    DEPARTMENT_TYPES,
    ORGANIZATION_LEVELS,
)
from services.org.contract.events import (
    _COUNT,
    _TEXT,
    _count,
    _date,
    _one_of,
    _opt_date,
    _opt_str,
    _req_str,
    registry,
)

# ---- committee -------------------------------------------------------------------------


@registry.event("CommitteeCreated", version=1)
class CommitteeCreated(Schema):
    personal = Personal(not_personal=("name",))  # an organisation's name
    name = _req_str()
    county = _req_str()
    county_code = fields.Str(required=True, validate=validate.Regexp(r"^[0-9]{6}\Z"))


@registry.event("SurveyRecorded", version=1)
class SurveyRecorded(Schema):
    on = _date()
    cooperatives = _count()
    league_members = _count()
    young_people = _count()
    party_organizations = _count()
    league_organizations = _count()
    report = _req_str()


@registry.event("PlanDrafted", version=1)
class PlanDrafted(Schema):
    on = _date()
    summary = _req_str()
    levels = fields.List(
        fields.Str(validate=validate.OneOf(ORGANIZATION_LEVELS)),
        required=True,
        validate=validate.Length(min=1),
    )
    draft_leadership = _opt_str()


@registry.event("CoordinationRecorded", version=1)
class CoordinationRecorded(Schema):
    on = _date()
    org_dept_consent = fields.Bool(required=True, validate=validate.Equal(True))
    supporting_departments = fields.List(
        fields.Str(validate=validate.OneOf(DEPARTMENT_TYPES)),
        required=True,
        validate=validate.Length(min=1),
    )
    meeting_date = _opt_date()
    meeting_attendees = fields.List(fields.Str(validate=_TEXT), required=True)


class PreparatoryGroupMember(Schema):
    name = _req_str()
    office = _req_str()
    member_unit_id = _opt_str()


@registry.event("PreparatoryGroupFormed", version=1)
class PreparatoryGroupFormed(Schema):
    # names published in the establishment notice; no person id to key them by
    personal = Personal(not_personal=("members.name",))
    on = _date()
    members = fields.List(
        fields.Nested(PreparatoryGroupMember), required=True, validate=validate.Length(min=1)
    )


@registry.event("EstablishmentRequested", version=1)
class EstablishmentRequested(Schema):
    on = _date()


@registry.event("EstablishmentApproved", version=1)
class EstablishmentApproved(Schema):
    on = _date()
    document_number = _req_str()


class AgendaItem(Schema):
    kind = _one_of(AGENDA_ITEM_KINDS)
    title = _opt_str()
    bank = fields.Str(validate=_TEXT)  # bank_credit_signing only
    credit_amount_fen = fields.Int(allow_none=True, strict=True, validate=_COUNT)


@registry.event("FoundingConferenceHeld", version=1)
class FoundingConferenceHeld(Schema):
    on = _date()
    agenda_items = fields.List(
        fields.Nested(AgendaItem), required=True, validate=validate.Length(min=1)
    )
    attendees = fields.List(
        fields.Str(validate=_TEXT), required=True, validate=validate.Length(min=1)
    )


@registry.event("MemberUnitAdded", version=1)
class MemberUnitAdded(Schema):
    personal = Personal(not_personal=("name",))  # an organisation's name
    member_unit_id = _req_str()
    name = _req_str()
    department_type = _one_of(DEPARTMENT_TYPES)


@registry.event("MemberUnitRemoved", version=1)
class MemberUnitRemoved(Schema):
    member_unit_id = _req_str()


@registry.event("SecretaryAppointed", version=1)
class SecretaryAppointed(Schema):
    # the appointee's name, under the key of the person it names
    personal = Personal(("name",), subject="person_id")
    person_id = _req_str()
    name = _req_str()
    from_county_league_committee = fields.Bool(required=True, validate=validate.Equal(True))
    on = _date()


@registry.event("SecretaryRemoved", version=1)
class SecretaryRemoved(Schema):
    person_id = _req_str()
    on = _date()


@registry.event("DeputySecretaryAppointed", version=1)
class DeputySecretaryAppointed(Schema):
    # the appointee's name, under the key of the person it names
    personal = Personal(("name",), subject="person_id")
    person_id = _req_str()
    name = _req_str()
    member_unit_id = _req_str()
    office = _req_str()
    is_office_head = fields.Bool(required=True, validate=validate.Equal(True))
    on = _date()


@registry.event("DeputySecretaryRemoved", version=1)
class DeputySecretaryRemoved(Schema):
    person_id = _req_str()
    on = _date()


@registry.event("CommitteeMemberAppointed", version=1)
class CommitteeMemberAppointed(Schema):
    # the appointee's name, under the key of the person it names
    personal = Personal(("name",), subject="person_id")
    person_id = _req_str()
    name = _req_str()
    source = _one_of(COMMITTEE_MEMBER_SOURCES)
    cooperative_id = _opt_str()
    township = _opt_str()
    on = _date()


@registry.event("CommitteeMemberRemoved", version=1)
class CommitteeMemberRemoved(Schema):
    person_id = _req_str()
    on = _date()


@registry.event("SelfLapseProcedureStarted", version=1)
class SelfLapseProcedureStarted(Schema):
    """自行脱团: six months without dues or organizational life; the branch (unit_id) decides."""

    on = _date()
    unit_id = _req_str()
    grounds = fields.List(fields.Str(validate=validate.OneOf(
        ("dues", "organizational_life"))), required=True)
    last_dues_month = fields.Str(required=True, allow_none=True)
    last_life_on = _opt_date()
    months = _count()


@registry.event("SelfLapseDecided", version=1)
class SelfLapseDecided(Schema):
    decision = fields.Str(required=True, validate=validate.OneOf(("good_reason", "lapsed")))
    on = _date()
    note = _opt_str()
    unit_id = _req_str()


@registry.event("MemberEvaluationRecorded", version=1)
class MemberEvaluationRecorded(Schema):
    """A branch's annual evaluation (团员教育评议) and the year's registration (团籍注册)."""

    unit_id = _req_str()
    year = fields.Int(required=True, strict=True)
    on = _date()
    grades = fields.Dict(keys=fields.Str(), values=fields.Str(validate=validate.OneOf(
        ("excellent", "qualified", "basically_qualified", "unqualified"))), required=True)
    registered_member_ids = fields.List(fields.Str(), required=True)
    max_excellent_percent = _count()


@registry.event("BranchCommitteeElected", version=1)
class BranchCommitteeElected(Schema):
    """A branch elected its committee; the term runs to `term_ends_on` (issue 12)."""

    on = _date()
    term_years = fields.Int(required=True, strict=True, validate=validate.OneOf((1, 2)))
    term_ends_on = _date()
    secretary = _opt_str()


@registry.event("LeadershipProblemOpened", version=1)
class LeadershipProblemOpened(Schema):
    """After establishment: the leadership broke the rules (or its problems changed)."""

    on = _date()
    problems = fields.List(fields.Str(validate=_TEXT), required=True)


@registry.event("LeadershipProblemResolved", version=1)
class LeadershipProblemResolved(Schema):
    on = _date()
