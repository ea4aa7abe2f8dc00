"""Issue 12 schemas of the org contract: the member's year (自行脱团, evaluation and
registration, branch committee elections)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.org.contract.fields import _ID, _on, _opt_name


class SelfLapseDecisionIn(Schema):
    """The branch's decision in the 自行脱团 procedure."""

    decision = fields.Str(required=True, validate=validate.OneOf(("good_reason", "lapsed")),
                          metadata={"description": "good_reason 有正当理由 / lapsed 自行脱团"})
    on = _on()
    note = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class SelfLapseRunIn(Schema):
    as_of = fields.Date(load_default=None, allow_none=True)
    unit_id = fields.Str(load_default=None, allow_none=True, validate=_ID, metadata={
        "description": "only this unit and the units below it (default: the whole county)"})


class SelfLapseOut(Schema):
    member_id = fields.Str(required=True)
    name = fields.Str(required=True)
    unit_id = fields.Str(required=True)
    started_on = fields.Str(required=True)
    grounds = fields.List(fields.Str(), required=True)
    last_dues_month = fields.Str(allow_none=True, required=True)
    last_life_on = fields.Str(allow_none=True, required=True)
    status_label = fields.Str(required=True)


class SelfLapseListOut(Schema):
    items = fields.List(fields.Nested(SelfLapseOut), required=True)


class SelfLapseRunOut(Schema):
    as_of = fields.Str(required=True)
    checked = fields.Int(required=True)
    months = fields.Int(required=True)
    due = fields.Int(metadata={"description": "members the rule found due"})
    started = fields.List(fields.Str(), required=True)
    remaining = fields.Int(metadata={"description": (
        "due members not yet opened: a run opens at most 300; run it again for the rest")})


class GradeIn(Schema):
    member_id = fields.Str(required=True, validate=_ID)
    grade = fields.Str(required=True, validate=validate.OneOf(
        ("excellent", "qualified", "basically_qualified", "unqualified")),
        metadata={"description": "优秀 / 合格 / 基本合格 / 不合格"})


class EvaluationIn(Schema):
    """A branch's annual evaluation (团员教育评议): every active League member graded once."""

    year = fields.Int(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    on = _on()
    grades = fields.List(fields.Nested(GradeIn), required=True,
                         validate=validate.Length(min=1, max=500))


class EvaluationMemberOut(Schema):
    member_id = fields.Str(required=True)
    name = fields.Str(required=True)
    grade = fields.Str(required=True)
    grade_label = fields.Str(required=True)
    registered = fields.Bool(required=True, metadata={"description": "团籍注册 for the year"})


class EvaluationOut(Schema):
    unit_id = fields.Str(required=True)
    year = fields.Int(required=True)
    evaluated_on = fields.Str(required=True)
    members = fields.List(fields.Nested(EvaluationMemberOut), required=True)
    by_grade = fields.Dict(keys=fields.Str(), values=fields.Int(), required=True)
    registered = fields.Int(required=True)


class ElectionIn(Schema):
    """A branch committee election (换届); the term defaults to the policy's (2 years)."""

    on = _on()
    term_years = fields.Int(load_default=None, allow_none=True, strict=True,
                            validate=validate.OneOf((1, 2)))
    secretary = _opt_name(100)


class ElectionOverdueOut(Schema):
    unit_id = fields.Str(required=True)
    name = fields.Str(required=True)
    kind = fields.Str(required=True)
    last_election_on = fields.Str(allow_none=True, required=True)
    term_ended_on = fields.Str(required=True)
    status_label = fields.Str(required=True)
