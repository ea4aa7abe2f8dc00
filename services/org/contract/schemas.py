"""Request and response schemas of the org service (shared with the gateway's OpenAPI)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from services.org.contract.enums import (
    AGENDA_ITEM_KINDS,
    COMMITTEE_MEMBER_SOURCES,
    DEPARTMENT_TYPES,
    ERASURE_BASES,
    FORMATION_MODES,
    GROUP_FUNCTIONS,
    JOINT_MODES,
    MANAGEMENTS,
    MEMBER_KINDS,
    ORGANIZATION_LEVELS,
    ROLES,
    SEXES,
    UNIT_KINDS,
)
from services.org.contract.fields import (  # noqa: F401 - importable from here too
    _ID,
    TRANSFER_STATUSES,
    _count,
    _name,
    _on,
    _opt_name,
)
from services.org.contract.transfer_schemas import (  # noqa: F401 - importable from here too
    CoverageOut,
    CoverageRowOut,
    LeagueBuildingOut,
    TransferDecisionIn,
    TransferIn,
    TransferOut,
    TransferRejectIn,
)
from services.org.contract.year_schemas import (  # noqa: F401 - importable from here too
    ElectionIn,
    ElectionOverdueOut,
    EvaluationIn,
    EvaluationMemberOut,
    EvaluationOut,
    GradeIn,
    SelfLapseDecisionIn,
    SelfLapseListOut,
    SelfLapseOut,
    SelfLapseRunIn,
    SelfLapseRunOut,
)

SUPPLY_COOP_RELATIONS = ("led", "shareholding", "served", "none")


class CooperativeIn(Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    uscc = fields.Str(required=True, validate=validate.Length(equal=18),
                      metadata={"description": "GB 32100-2015 unified social credit code, 93..."})
    chair = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    township = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    industry_category = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    product = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    business_mode = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    members = fields.Int(load_default=5, validate=validate.Range(min=0, max=1_000_000))
    farmer_members = fields.Int(load_default=5, validate=validate.Range(min=0, max=1_000_000))
    young_people_under_35 = fields.Int(load_default=0,
                                       validate=validate.Range(min=0, max=1_000_000))
    league_members = fields.Int(load_default=0, validate=validate.Range(min=0, max=1_000_000))
    party_org_present = fields.Bool(load_default=False)
    league_org_present = fields.Bool(load_default=False)
    supply_coop_relation = fields.Str(load_default="none",
                                      validate=validate.OneOf(SUPPLY_COOP_RELATIONS))


class CooperativeUpdate(CooperativeIn):
    """Only the fields to change: partial on every load (the gateway instantiates it plainly),
    so no field is required and no default fills a missing one."""

    partial = True  # read by apispec on the class: nothing required in the OpenAPI document

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


class CooperativeOut(Schema):
    id = fields.Str(required=True)
    name = fields.Str(required=True)
    uscc = fields.Str(required=True)
    chair = fields.Str()
    township = fields.Str()
    industry_category = fields.Str()
    product = fields.Str()
    business_mode = fields.Str()
    members = fields.Int()
    farmer_members = fields.Int()
    young_people_under_35 = fields.Int()
    league_members = fields.Int()
    party_org_present = fields.Bool()
    league_org_present = fields.Bool()
    supply_coop_relation = fields.Str()
    registered_at = fields.Str()
    updated_at = fields.Str()
    version = fields.Int()
    warnings = fields.List(fields.Str())
    has_league_org = fields.Bool(metadata={
        "description": "league_org_present, or covered by an active branch-level unit"})
    covering_unit_ids = fields.List(fields.Str(), metadata={
        "description": "active units covering the cooperative"})
    known_by = fields.Dict(keys=fields.Str(), values=fields.Bool(),
                           metadata={"description": "which services have learnt it"})


# ---- committee -------------------------------------------------------------------------

class CommitteeIn(Schema):
    name = _name()
    county = _name(100)
    county_code = fields.Str(required=True, validate=validate.Regexp(r"^[0-9]{6}\Z"),
                             metadata={"description": "GB/T 2260 six-digit county code"})
    on = _on()


class SurveyIn(Schema):
    on = _on(True)
    cooperatives = _count()
    league_members = _count()
    young_people = _count()
    party_organizations = _count()
    league_organizations = _count()
    report = fields.Str(required=True, validate=validate.Length(min=1, max=20000))


class PlanIn(Schema):
    on = _on(True)
    summary = fields.Str(required=True, validate=validate.Length(min=1, max=20000))
    levels = fields.List(fields.Str(validate=validate.OneOf(ORGANIZATION_LEVELS)),
                         required=True, validate=validate.Length(min=1, max=10))
    draft_leadership = fields.Str(load_default=None, allow_none=True,
                                  validate=validate.Length(min=1, max=20000))


class CoordinationIn(Schema):
    on = _on(True)
    org_dept_consent = fields.Bool(required=True)
    supporting_departments = fields.List(fields.Str(validate=validate.OneOf(DEPARTMENT_TYPES)),
                                         required=True, validate=validate.Length(min=1, max=20))
    meeting_date = fields.Date(load_default=None, allow_none=True)
    meeting_attendees = fields.List(fields.Str(validate=validate.Length(min=1, max=200)),
                                    load_default=list, validate=validate.Length(max=500))


class PreparatoryMemberIn(Schema):
    name = _name(100)
    office = _name()
    member_unit_id = fields.Str(load_default=None, allow_none=True, validate=_ID)


class PreparatoryGroupIn(Schema):
    on = _on(True)
    members = fields.List(fields.Nested(PreparatoryMemberIn), required=True,
                          validate=validate.Length(min=1, max=100))


class DatedIn(Schema):
    on = _on(True)


class ApprovalIn(Schema):
    on = _on(True)
    document_number = _name(100)


class AgendaItemIn(Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(AGENDA_ITEM_KINDS))
    title = fields.Str(load_default=None, allow_none=True,
                       validate=validate.Length(min=1, max=200))
    bank = fields.Str(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200))
    credit_amount_fen = fields.Int(load_default=None, allow_none=True, strict=True,
                                   validate=validate.Range(min=0, max=10**15))


class FoundingConferenceIn(Schema):
    on = _on(True)
    agenda_items = fields.List(fields.Nested(AgendaItemIn), required=True,
                               validate=validate.Length(min=1, max=50))
    attendees = fields.List(fields.Str(validate=validate.Length(min=1, max=200)), required=True,
                            validate=validate.Length(min=1, max=1000))


class MemberUnitIn(Schema):
    name = _name()
    department_type = fields.Str(required=True, validate=validate.OneOf(DEPARTMENT_TYPES))


class SecretaryIn(Schema):
    person_id = fields.Str(load_default=None, allow_none=True, validate=_ID,
                           metadata={"description": "default: a new id"})
    name = _name(100)
    from_county_league_committee = fields.Bool(required=True)
    on = _on()


class DeputySecretaryIn(Schema):
    person_id = fields.Str(load_default=None, allow_none=True, validate=_ID)
    name = _name(100)
    member_unit_id = fields.Str(required=True, validate=_ID)
    office = _name()
    is_office_head = fields.Bool(required=True)
    on = _on()


class CommitteeMemberIn(Schema):
    person_id = fields.Str(load_default=None, allow_none=True, validate=_ID)
    name = _name(100)
    source = fields.Str(required=True, validate=validate.OneOf(COMMITTEE_MEMBER_SOURCES))
    cooperative_id = fields.Str(load_default=None, allow_none=True, validate=_ID)
    township = _opt_name(100)
    on = _on()


class RemovalIn(Schema):
    post = fields.Str(required=True, validate=validate.OneOf(
        ("secretary", "deputy_secretary", "committee_member")))
    person_id = fields.Str(required=True, validate=_ID)
    on = _on()


class MemberUnitOut(Schema):
    id = fields.Str(required=True)
    name = fields.Str(required=True)
    department_type = fields.Str(required=True)


class LeaderOut(Schema):
    person_id = fields.Str(required=True)
    name = fields.Str(required=True)
    on = fields.Str(required=True)
    from_county_league_committee = fields.Bool()
    member_unit_id = fields.Str()
    office = fields.Str()
    is_office_head = fields.Bool()
    source = fields.Str()
    cooperative_id = fields.Str(allow_none=True)
    township = fields.Str(allow_none=True)


class LeadershipProblemOut(Schema):
    """An open leadership problem after establishment: since when, and why."""

    since = fields.Str(required=True)
    problems = fields.List(fields.Str(), required=True)


class CommitteeOut(Schema):
    id = fields.Str(required=True)
    root_unit_id = fields.Str(required=True)
    name = fields.Str(required=True)
    county = fields.Str(required=True)
    county_code = fields.Str(required=True)
    due_step = fields.Str(allow_none=True, required=True)
    established = fields.Bool(required=True)
    founded = fields.Bool(required=True)
    steps = fields.Dict(keys=fields.Str(), values=fields.Dict(), required=True)
    member_units = fields.List(fields.Nested(MemberUnitOut), required=True)
    secretary = fields.Nested(LeaderOut, allow_none=True, required=True)
    deputy_secretaries = fields.List(fields.Nested(LeaderOut), required=True)
    committee_members = fields.List(fields.Nested(LeaderOut), required=True)
    leadership_problems = fields.List(fields.Str(), required=True)
    approval_problems = fields.List(fields.Str(), required=True)
    leadership_problem = fields.Nested(LeadershipProblemOut, allow_none=True, required=True)
    created_at = fields.Str(required=True)
    updated_at = fields.Str(required=True)
    version = fields.Int(required=True)


# ---- units -----------------------------------------------------------------------------

class UnitIn(Schema):
    name = _name()
    kind = fields.Str(required=True, validate=validate.OneOf(UNIT_KINDS))
    parent_id = fields.Str(required=True, validate=_ID)
    formation_mode = fields.Str(load_default=None, allow_none=True,
                                validate=validate.OneOf(FORMATION_MODES))
    industry = _opt_name(100)
    cooperative_ids = fields.List(fields.Str(validate=_ID), load_default=list,
                                  validate=validate.Length(max=500))
    management = fields.Str(load_default="direct", validate=validate.OneOf(MANAGEMENTS))
    township = _opt_name(100)
    joint_mode = fields.Str(load_default=None, allow_none=True,
                            validate=validate.OneOf(JOINT_MODES))
    group_functions = fields.List(fields.Str(validate=validate.OneOf(GROUP_FUNCTIONS)),
                                  load_default=list, validate=validate.Length(max=5))
    on = _on()


class RenameIn(Schema):
    name = _name()
    on = _on()


class MoveIn(Schema):
    parent_id = fields.Str(required=True, validate=_ID)
    on = _on()


class MergeIn(Schema):
    target_unit_id = fields.Str(required=True, validate=_ID)
    on = _on()


class DissolveIn(Schema):
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=2000))
    on = _on()


class CoverageIn(Schema):
    cooperative_ids = fields.List(fields.Str(validate=_ID), required=True,
                                  validate=validate.Length(max=500))
    on = _on()


class ManagementIn(Schema):
    management = fields.Str(required=True, validate=validate.OneOf(MANAGEMENTS))
    township = _opt_name(100)
    joint_mode = fields.Str(load_default=None, allow_none=True,
                            validate=validate.OneOf(JOINT_MODES))
    on = _on()


class GroupFunctionsIn(Schema):
    group_functions = fields.List(fields.Str(validate=validate.OneOf(GROUP_FUNCTIONS)),
                                  required=True, validate=validate.Length(max=5))
    on = _on()


class UnitCountsOut(Schema):
    league_members = fields.Int(required=True)
    young_people = fields.Int(required=True)
    direct_members = fields.Int(required=True)


class UnitOut(Schema):
    id = fields.Str(required=True)
    committee_id = fields.Str(required=True)
    name = fields.Str(required=True)
    kind = fields.Str(required=True)
    parent_id = fields.Str(allow_none=True, required=True)
    professional_committee_id = fields.Str(allow_none=True, required=True)
    formation_mode = fields.Str(allow_none=True, required=True)
    industry = fields.Str(allow_none=True, required=True)
    cooperative_ids = fields.List(fields.Str(), required=True)
    management = fields.Str(required=True)
    township = fields.Str(allow_none=True, required=True)
    joint_mode = fields.Str(allow_none=True, required=True)
    group_functions = fields.List(fields.Str(), required=True)
    last_election_on = fields.Str(allow_none=True)
    term_years = fields.Int(allow_none=True)
    term_ends_on = fields.Str(metadata={"description": "branch kinds: the committee's term"})
    constituted = fields.Bool(allow_none=True, metadata={
        "description": "branch kinds: at least the constitution's floor of League members"})
    founded_on = fields.Str(required=True)
    status = fields.Str(required=True)
    merged_into = fields.Str(allow_none=True, required=True)
    ended_on = fields.Str(allow_none=True, required=True)
    dissolution_reason = fields.Str(allow_none=True, required=True)
    created_at = fields.Str(required=True)
    updated_at = fields.Str(required=True)
    version = fields.Int(required=True)
    counts = fields.Nested(UnitCountsOut, required=True,
                           metadata={"description": "active members, the unit and below"})
    warnings = fields.List(fields.Str(), required=True,
                           metadata={"description": "League constitution size rules"})


class TreeNodeOut(Schema):
    id = fields.Str(required=True)
    name = fields.Str(required=True)
    kind = fields.Str(required=True)
    status = fields.Str(required=True)
    parent_id = fields.Str(allow_none=True, required=True)
    members = fields.Int(required=True, metadata={"description": "active members on that date"})
    children = fields.List(fields.Nested(lambda: TreeNodeOut()), required=True)


class TreeOut(Schema):
    as_of = fields.Str(required=True)
    root = fields.Nested(TreeNodeOut, required=True)


# ---- members ---------------------------------------------------------------------------

class MemberIn(Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(MEMBER_KINDS))
    name = _name(100)
    sex = fields.Str(load_default=None, allow_none=True, validate=validate.OneOf(SEXES))
    ethnicity = _name(50)
    resident_id = fields.Str(required=True, validate=validate.Length(equal=18),
                             metadata={"description": "GB 11643 resident ID number"})
    birth_date = fields.Date(load_default=None, allow_none=True)
    phone = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=20))
    education = _opt_name(100)
    occupation = _opt_name(100)
    cooperative_id = fields.Str(load_default=None, allow_none=True, validate=_ID)
    unit_id = fields.Str(required=True, validate=_ID)
    join_date = fields.Date(required=True)


class RoleIn(Schema):
    role = fields.Str(required=True, validate=validate.OneOf(ROLES))
    unit_id = fields.Str(load_default=None, allow_none=True, validate=_ID,
                         metadata={"description": "default: the member's unit"})
    start = fields.Date(required=True)
    end = fields.Date(load_default=None, allow_none=True)


class RoleEndIn(Schema):
    end = fields.Date(required=True)


class LeaveIn(Schema):
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=2000))
    on = _on()


class AgeOutRunIn(Schema):
    as_of = fields.Date(load_default=None, allow_none=True,
                        metadata={"description": "the day the timer runs for; default today"})


class AgeOutRunOut(Schema):
    as_of = fields.Str(required=True)
    checked = fields.Int(required=True)
    aged_out = fields.List(fields.Str(), required=True)


class RoleOut(Schema):
    role_id = fields.Str(required=True)
    role = fields.Str(required=True)
    unit_id = fields.Str(required=True)
    start = fields.Str(required=True)
    end = fields.Str(allow_none=True, required=True)


class MemberOut(Schema):
    id = fields.Str(required=True)
    kind = fields.Str(required=True)
    name = fields.Str(required=True)
    sex = fields.Str(required=True)
    ethnicity = fields.Str(required=True)
    resident_id = fields.Str(required=True, metadata={"description": "masked: last 4 visible"})
    birth_date = fields.Str(required=True)
    phone = fields.Str(allow_none=True, required=True,
                       metadata={"description": "masked: last 4 visible"})
    education = fields.Str(allow_none=True, required=True)
    occupation = fields.Str(allow_none=True, required=True)
    cooperative_id = fields.Str(allow_none=True, required=True)
    unit_id = fields.Str(required=True)
    join_date = fields.Str(required=True)
    registered_on = fields.Str(required=True)
    status = fields.Str(required=True)
    status_since = fields.Str(required=True)
    pending_transfer_id = fields.Str(allow_none=True, required=True)
    roles = fields.List(fields.Nested(RoleOut), required=True)
    created_at = fields.Str(required=True)
    updated_at = fields.Str(required=True)
    self_lapse = fields.Dict(allow_none=True, metadata={
        "description": "an open 自行脱团 procedure: started_on, grounds, last dues / life"})
    registrations = fields.List(fields.Dict(), metadata={
        "description": "per year: the evaluation grade and whether registered (团籍注册)"})
    version = fields.Int(required=True)


class CountsOut(Schema):
    unit_id = fields.Str(required=True)
    descendants = fields.Bool(required=True)
    total = fields.Int(required=True)
    by_status = fields.Dict(keys=fields.Str(), values=fields.Int(), required=True)
    by_kind = fields.Dict(keys=fields.Str(), values=fields.Int(), required=True)


class ErasureIn(Schema):
    """POST /people/{id}/erasure: why (kept in the event and the audit trail)."""

    reason = fields.Str(required=True, validate=validate.Length(min=1, max=500),
                        metadata={"description": "erasure reason (删除理由), e.g. 本人申请"})
    basis = fields.Str(load_default="request", validate=validate.OneOf(ERASURE_BASES),
                       metadata={"description": "request (本人申请) or retention (保存期满)"})


class ErasureOut(Schema):
    person_id = fields.Str(required=True)
    erased = fields.Bool(required=True, metadata={"description": "False: erased before"})
    on = fields.Str(required=True)
