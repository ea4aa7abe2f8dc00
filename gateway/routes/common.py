"""Schemas shared by route modules."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class PageQuery(Schema):
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=500))


class Problem(Schema):
    type = fields.Str(required=True)
    title = fields.Str(required=True)
    status = fields.Int(required=True)
    detail = fields.Str(required=True)
    errors = fields.Dict(keys=fields.Str(), values=fields.Raw())
