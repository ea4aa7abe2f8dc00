"""Transfer and coverage schemas of the org contract."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.org.contract.fields import (  # noqa: F401 - importable from here too
    _ID,
    TRANSFER_STATUSES,
    _count,
    _name,
    _on,
    _opt_name,
)

# ---- transfers -------------------------------------------------------------------------

class TransferIn(Schema):
    member_id = fields.Str(required=True, validate=_ID)
    to_unit_id = fields.Str(required=True, validate=_ID)
    on = _on()


class TransferDecisionIn(Schema):
    on = _on()


class TransferRejectIn(Schema):
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=2000))
    on = _on()


class TransferOut(Schema):
    id = fields.Str(required=True)
    member_id = fields.Str(required=True)
    from_unit_id = fields.Str(required=True)
    to_unit_id = fields.Str(required=True)
    status = fields.Str(required=True)
    requested_on = fields.Str(required=True)
    decided_on = fields.Str(allow_none=True, required=True)
    reason = fields.Str(allow_none=True, required=True)
    created_at = fields.Str(required=True)
    updated_at = fields.Str(required=True)


# ---- cooperatives: League building and coverage ----------------------------------------

class LeagueBuildingOut(Schema):
    cooperative_id = fields.Str(required=True)
    mode = fields.Str(required=True, validate=validate.OneOf(
        ("existing", "standalone_direct", "joint_township", "youth_organization", "none")))
    reason = fields.Str(required=True)
    label = fields.Str(required=True, metadata={"description": "zh-CN: 独立建团、联合建团…"})
    joint_modes = fields.List(fields.Str(), metadata={
        "description": "joint_township only: the seed's five modes of joint building"})
    policy_version = fields.Str(required=True)
    has_league_org = fields.Bool(required=True)
    covering_unit_ids = fields.List(fields.Str(), required=True)


class CoverageRowOut(Schema):
    key = fields.Str(required=True)
    cooperatives = fields.Int(required=True)
    with_league_org = fields.Int(required=True)
    without_league_org = fields.Int(required=True)


class NotConstitutedOut(Schema):
    unit_id = fields.Str(required=True)
    name = fields.Str(required=True)
    kind = fields.Str(required=True)
    cooperative_ids = fields.List(fields.Str(), required=True)
    league_members = fields.Int(required=True)
    status = fields.Str(required=True)
    status_label = fields.Str(required=True)


class CoverageOut(Schema):
    cooperatives = fields.Int(required=True)
    with_league_org = fields.Int(required=True)
    without_league_org = fields.Int(required=True)
    by_industry = fields.List(fields.Nested(CoverageRowOut), required=True)
    by_township = fields.List(fields.Nested(CoverageRowOut), required=True)
    branches_not_constituted = fields.List(fields.Nested(NotConstitutedOut), required=True,
                                           metadata={"description": "未达组建条件"})
    min_league_members = fields.Int(required=True)
    policy_version = fields.Str(required=True)
