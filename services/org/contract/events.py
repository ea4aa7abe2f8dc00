"""Event schemas of the org service: one marshmallow schema per event type (version 1).

Every event the org aggregates record validates here (`registry.validate`); the catalogue in
docs/events.md is generated from this registry.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from eventkit.personal import Personal
from eventkit.registry import EventRegistry
from services.org.contract.enums import (
    ERASURE_BASES,
    FORMATION_MODES,
    GROUP_FUNCTIONS,
    JOINT_MODES,
    MANAGEMENTS,
    MEMBER_KINDS,
    ROLES,
    SEXES,
    SUPPLY_COOP_RELATIONS,
    UNIT_KINDS,
)

registry = EventRegistry("org")

_COUNT = validate.Range(min=0)
_TEXT = validate.Length(min=1)


def _req_str() -> fields.Str:
    return fields.Str(required=True, validate=_TEXT)


def _opt_str() -> fields.Str:
    return fields.Str(required=True, allow_none=True, validate=_TEXT)


def _one_of(choices: tuple[str, ...], allow_none: bool = False) -> fields.Str:
    return fields.Str(required=True, allow_none=allow_none, validate=validate.OneOf(choices))


def _date() -> fields.Date:
    return fields.Date(required=True)


def _opt_date() -> fields.Date:
    return fields.Date(required=True, allow_none=True)


def _count() -> fields.Int:
    return fields.Int(required=True, strict=True, validate=_COUNT)


def _ids() -> fields.List:
    return fields.List(fields.Str(validate=_TEXT), required=True)


# ---- cooperative -----------------------------------------------------------------------


_USCC = validate.Regexp(r"^93[0-9A-HJ-NPQRTUWXY]{16}\Z")


@registry.event("CooperativeRegistered", version=1)
class CooperativeRegistered(Schema):
    personal = Personal(not_personal=("name",))  # an organisation's name
    uscc = fields.Str(required=True, validate=_USCC)
    name = _req_str()
    chair = _req_str()
    township = _req_str()
    industry_category = _req_str()
    product = _req_str()
    business_mode = _req_str()
    members = _count()
    farmer_members = _count()
    young_people_under_35 = _count()
    league_members = _count()
    party_org_present = fields.Bool(required=True)
    league_org_present = fields.Bool(required=True)
    supply_coop_relation = _one_of(SUPPLY_COOP_RELATIONS)


@registry.event("CooperativeUpdated", version=1)
class CooperativeUpdated(Schema):
    personal = Personal(not_personal=("name",))  # an organisation's name
    """Only the changed fields are present."""

    uscc = fields.Str(validate=_USCC)
    name = fields.Str(validate=_TEXT)
    chair = fields.Str(validate=_TEXT)
    township = fields.Str(validate=_TEXT)
    industry_category = fields.Str(validate=_TEXT)
    product = fields.Str(validate=_TEXT)
    business_mode = fields.Str(validate=_TEXT)
    members = fields.Int(strict=True, validate=_COUNT)
    farmer_members = fields.Int(strict=True, validate=_COUNT)
    young_people_under_35 = fields.Int(strict=True, validate=_COUNT)
    league_members = fields.Int(strict=True, validate=_COUNT)
    party_org_present = fields.Bool()
    league_org_present = fields.Bool()
    supply_coop_relation = fields.Str(validate=validate.OneOf(SUPPLY_COOP_RELATIONS))


# ---- unit ------------------------------------------------------------------------------


@registry.event("UnitCreated", version=1)
class UnitCreated(Schema):
    personal = Personal(not_personal=("name",))  # an organisation's name
    name = _req_str()
    kind = _one_of(UNIT_KINDS)
    parent_id = _opt_str()
    formation_mode = _one_of(FORMATION_MODES, allow_none=True)
    industry = _opt_str()
    cooperative_ids = _ids()
    management = _one_of(MANAGEMENTS)
    township = _opt_str()
    joint_mode = _one_of(JOINT_MODES, allow_none=True)
    group_functions = fields.List(
        fields.Str(validate=validate.OneOf(GROUP_FUNCTIONS)), required=True
    )
    on = _date()


@registry.event("UnitCreated", version=2)
class UnitCreatedV2(UnitCreated):
    """v2: where the unit sits, so consumers need not walk the tree. `committee_id` is the
    working committee's id (the root's own id for the root); `professional_committee_id` the
    nearest professional committee at or above the unit (its own id for one), or null."""

    committee_id = _opt_str()
    professional_committee_id = _opt_str()


@registry.upcaster("UnitCreated", from_version=1)
def _unit_created_v1(data: dict) -> dict:
    return {**data, "committee_id": None, "professional_committee_id": None}


@registry.event("UnitRenamed", version=1)
class UnitRenamed(Schema):
    personal = Personal(not_personal=("name",))  # an organisation's name
    name = _req_str()
    on = _date()


@registry.event("UnitMoved", version=1)
class UnitMoved(Schema):
    from_parent_id = _opt_str()
    to_parent_id = _req_str()
    on = _date()


@registry.event("UnitMoved", version=2)
class UnitMovedV2(UnitMoved):
    """v2: the moved unit's professional committee at its new place (null: none; the units
    below it follow the same one unless they are professional committees themselves)."""

    professional_committee_id = _opt_str()


@registry.upcaster("UnitMoved", from_version=1)
def _unit_moved_v1(data: dict) -> dict:
    return {**data, "professional_committee_id": None}


@registry.event("UnitCoverageChanged", version=1)
class UnitCoverageChanged(Schema):
    cooperative_ids = _ids()
    on = _date()


@registry.event("UnitManagementChanged", version=1)
class UnitManagementChanged(Schema):
    management = _one_of(MANAGEMENTS)
    township = _opt_str()
    joint_mode = _one_of(JOINT_MODES, allow_none=True)
    on = _date()


@registry.event("UnitGroupFunctionsSet", version=1)
class UnitGroupFunctionsSet(Schema):
    group_functions = fields.List(
        fields.Str(validate=validate.OneOf(GROUP_FUNCTIONS)), required=True
    )
    on = _date()


@registry.event("UnitMergedInto", version=1)
class UnitMergedInto(Schema):
    target_unit_id = _req_str()
    on = _date()


@registry.event("UnitDissolved", version=1)
class UnitDissolved(Schema):
    reason = _req_str()
    on = _date()


# ---- member ----------------------------------------------------------------------------


@registry.event("MemberRegistered", version=1)
class MemberRegistered(Schema):
    # under the member's own key (the stream's id); an erased birth date reads as None
    personal = Personal(("name", "resident_id", "birth_date", "phone"),
                        erased={"birth_date": None})
    kind = _one_of(MEMBER_KINDS)
    name = _req_str()
    sex = _one_of(SEXES)
    ethnicity = _req_str()
    resident_id = fields.Str(required=True, validate=validate.Regexp(r"^[0-9]{17}[0-9X]\Z"))
    birth_date = _date()
    phone = _opt_str()
    education = _opt_str()
    occupation = _opt_str()
    cooperative_id = _opt_str()
    unit_id = _req_str()
    join_date = _date()
    registered_on = _date()


@registry.event("TransferRequested", version=1)
class TransferRequested(Schema):
    transfer_id = _req_str()
    from_unit_id = _req_str()
    to_unit_id = _req_str()
    on = _date()


@registry.event("TransferApproved", version=1)
class TransferApproved(Schema):
    transfer_id = _req_str()
    from_unit_id = _req_str()
    to_unit_id = _req_str()
    ended_role_ids = _ids()
    on = _date()


@registry.event("TransferRejected", version=1)
class TransferRejected(Schema):
    transfer_id = _req_str()
    reason = _req_str()
    on = _date()


@registry.event("MemberReassigned", version=1)
class MemberReassigned(Schema):
    from_unit_id = _req_str()
    to_unit_id = _req_str()
    reason = _req_str()
    on = _date()


@registry.event("RoleAssigned", version=1)
class RoleAssigned(Schema):
    role_id = _req_str()
    role = _one_of(ROLES)
    unit_id = _req_str()
    start = _date()
    end = _opt_date()


@registry.event("RoleEnded", version=1)
class RoleEnded(Schema):
    role_id = _req_str()
    end = _date()


@registry.event("MemberAgedOut", version=1)
class MemberAgedOut(Schema):
    on = _date()


@registry.event("MemberAgedOut", version=2)
class MemberAgedOutV2(MemberAgedOut):
    """v2: the unit the member left from (null only in upcast v1 events)."""

    unit_id = _opt_str()


@registry.upcaster("MemberAgedOut", from_version=1)
def _member_aged_out_v1(data: dict) -> dict:
    return {**data, "unit_id": None}


@registry.event("MemberLeft", version=1)
class MemberLeft(Schema):
    reason = _req_str()
    ended_role_ids = _ids()
    on = _date()


@registry.event("MemberLeft", version=2)
class MemberLeftV2(MemberLeft):
    """v2: the unit the member left from (null only in upcast v1 events)."""

    unit_id = _opt_str()


@registry.upcaster("MemberLeft", from_version=1)
def _member_left_v1(data: dict) -> dict:
    return {**data, "unit_id": None}


# What other services may learn about a cooperative from CooperativeRegistered and
# CooperativeUpdated: each keeps its own `known_cooperatives` table (its own migration),
# written by the kernel's eventkit.known.KnownTable from these fields.
COOPERATIVE_FIELDS = ("uscc", "name", "township", "industry_category")
COOPERATIVE_EVENTS = ("CooperativeRegistered", "CooperativeUpdated")  # (created, updated)


# ---- personal information (PIPL) --------------------------------------------------------


@registry.event("PersonErased", version=1)
class PersonErased(Schema):
    """Every service destroys the person's data key and overwrites their read-model values
    (eventkit/people.py). The event holds no personal value, only the id."""

    person_id = _req_str()
    reason = _req_str()
    basis = _one_of(ERASURE_BASES)
    on = _date()


# The committee's events register on the same registry (a module of their own for size).
from services.org.contract import committee_events, service_events  # noqa: E402,F401
