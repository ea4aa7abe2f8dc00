"""Request and response schemas of the org service (shared with the gateway's OpenAPI)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

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
    class Meta:
        partial = True


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
    known_by = fields.Dict(keys=fields.Str(), values=fields.Bool(),
                           metadata={"description": "which services have learnt it"})
