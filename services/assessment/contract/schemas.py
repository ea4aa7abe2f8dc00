"""Request and response schemas of the assessment service (shared with the gateway's OpenAPI).

Request schemas validate in the service (`eventkit.validation.load`) and in the gateway
(422 + OpenAPI). Response schemas describe what the RPCs return.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

CATEGORIES = ("common", "post", "practical_deeds", "self_discipline")
LETTER_STATUSES = ("drafted", "submitted", "published", "in_progress", "assessed")
ROUND_STATUSES = ("open", "closed", "graded")
GRADES = ("excellent", "competent", "basically_competent", "incompetent")
KINDS = ("party_membership", "league_award", "training")
OUTCOMES = ("accepted", "declined", "pending")
RECOMMENDATION_STATUSES = ("proposed", "voted", "submitted", "decided")

_ID = validate.Length(min=1, max=64)
_SCORE = validate.Range(min=0, max=100)
_BP = validate.Range(min=0, max=10_000)
_COUNT = validate.Range(min=0, max=100_000)


def _id(**kw: Any) -> fields.Str:
    return fields.Str(required=True, validate=_ID, **kw)


def _text(max_len: int, **kw: Any) -> fields.Str:
    return fields.Str(required=True, validate=validate.Length(min=1, max=max_len), **kw)


def _optional_text(max_len: int) -> fields.Str:
    return fields.Str(load_default=None, allow_none=True,
                      validate=validate.Length(max=max_len))


def _optional_date(description: str) -> fields.Date:
    return fields.Date(load_default=None, allow_none=True, metadata={"description": description})


def _score() -> fields.Int:
    return fields.Int(required=True, strict=True, validate=_SCORE)


# ---------------------------------------------------------------- commitment letters


class LetterIn(Schema):
    committee_id = _id()
    member_id = _id(metadata={"description": "person id of a committee member (org)"})
    year = fields.Int(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    drafted_on = _optional_date("county-local date; default today")


class LetterItemIn(Schema):
    category = fields.Str(required=True, validate=validate.OneOf(CATEGORIES))
    content = _text(2000)
    target = _text(500, metadata={"description": "measurable target"})
    deadline = fields.Date(required=True)


class LetterAmendedItemIn(LetterItemIn):
    item_id = fields.Str(load_default=None, allow_none=True, validate=_ID,
                         metadata={"description": "keep an item's id; omit for a new item"})


class LetterSubmitIn(Schema):
    signed_on = _optional_date("date the member signed; default today")


class LetterPublishIn(Schema):
    published_on = _optional_date("first day of the public notice; default today")
    notice_days = fields.Int(load_default=7, strict=True, validate=validate.Range(min=1, max=60))


class LetterProgressIn(Schema):
    item_id = _id()
    text = _text(4000)
    evidence_links = fields.List(
        fields.Str(validate=[validate.Length(max=2000),
                             validate.Regexp(r"^https?://", error="must be an http(s) URL")]),
        load_default=list, validate=validate.Length(max=20))
    reported_on = _optional_date("default today")


class LetterAmendmentIn(Schema):
    reason = _text(1000)
    items = fields.List(fields.Nested(LetterAmendedItemIn), required=True,
                        validate=validate.Length(min=1, max=100))
    amended_on = _optional_date("default today")


class LetterAssessedIn(Schema):
    round_id = _id()


class LetterCommentIn(Schema):
    text = _text(2000)
    name = _optional_text(100)
    contact = _optional_text(200)


class CommentRejectIn(Schema):
    reason = _text(500)


class LetterItemOut(Schema):
    item_id = fields.Str(required=True)
    category = fields.Str(required=True)
    content = fields.Str(required=True)
    target = fields.Str(required=True)
    deadline = fields.Str(required=True)


class LetterVersionOut(Schema):
    version = fields.Int(required=True)
    reason = fields.Str(allow_none=True)
    effective_on = fields.Str(required=True)
    items = fields.List(fields.Nested(LetterItemOut), required=True)


class LetterProgressOut(Schema):
    report_id = fields.Str(required=True)
    item_id = fields.Str(required=True)
    version = fields.Int(required=True)
    reported_on = fields.Str(required=True)
    text = fields.Str(required=True)
    evidence_links = fields.List(fields.Str(), required=True)


class LetterCommentOut(Schema):
    comment_id = fields.Str(required=True)
    letter_id = fields.Str(required=True)
    version = fields.Int(required=True)
    name = fields.Str(allow_none=True)
    contact = fields.Str(allow_none=True, metadata={"description": "masked: last 4 shown"})
    text = fields.Str(required=True)
    received_at = fields.Str(required=True)
    status = fields.Str(required=True)
    rejection_reason = fields.Str(allow_none=True)


class LetterOut(Schema):
    id = fields.Str(required=True)
    committee_id = fields.Str(required=True)
    member_id = fields.Str(required=True)
    member_name = fields.Str(allow_none=True)
    year = fields.Int(required=True)
    status = fields.Str(required=True)
    drafted_on = fields.Str(required=True)
    signed_on = fields.Str(allow_none=True)
    published_on = fields.Str(allow_none=True)
    notice_days = fields.Int(allow_none=True)
    notice_last_day = fields.Str(allow_none=True)
    started_on = fields.Str(allow_none=True)
    current_version = fields.Int(required=True)
    item_count = fields.Int(required=True)
    items = fields.List(fields.Nested(LetterItemOut))
    versions = fields.List(fields.Nested(LetterVersionOut))
    progress = fields.List(fields.Nested(LetterProgressOut))
    comments = fields.List(fields.Nested(LetterCommentOut),
                           metadata={"description": "accepted comments only"})
    pending_comments = fields.Int()
    assessed_round_id = fields.Str(allow_none=True)
    assessed_on = fields.Str(allow_none=True)
    updated_at = fields.Str(required=True)
    version = fields.Int(required=True)


# ---------------------------------------------------------------- assessment rounds


class RoundWeightsIn(Schema):
    self_bp = fields.Int(required=True, strict=True, validate=_BP)
    peer_bp = fields.Int(required=True, strict=True, validate=_BP)
    unit_bp = fields.Int(required=True, strict=True, validate=_BP)
    public_bp = fields.Int(required=True, strict=True, validate=_BP)


class RoundThresholdsIn(Schema):
    excellent = fields.Int(required=True, strict=True, validate=validate.Range(min=1, max=100))
    competent = fields.Int(required=True, strict=True, validate=validate.Range(min=1, max=100))
    basically_competent = fields.Int(required=True, strict=True,
                                     validate=validate.Range(min=1, max=100))


class EvidenceRuleIn(Schema):
    min_meeting_ratio_bp = fields.Int(required=True, strict=True, validate=_BP)
    meeting_shortfall_adjustment = fields.Int(required=True, strict=True,
                                              validate=validate.Range(min=-20, max=20))
    flag_no_activity = fields.Bool(required=True)
    no_activity_adjustment = fields.Int(required=True, strict=True,
                                        validate=validate.Range(min=-20, max=20))


class RoundIn(Schema):
    committee_id = _id()
    year = fields.Int(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    member_ids = fields.List(fields.Str(validate=_ID), load_default=None, allow_none=True,
                             validate=validate.Length(min=1, max=200),
                             metadata={"description": "default: every committee person"})
    scorer_ids = fields.List(fields.Str(validate=_ID), load_default=None, allow_none=True,
                             validate=validate.Length(max=200),
                             metadata={"description": "peer scorers; default: every "
                                                      "committee person"})
    scoring_unit_ids = fields.List(fields.Str(validate=_ID), load_default=list,
                                   validate=validate.Length(max=200),
                                   metadata={"description": "empty: any member unit"})
    weights = fields.Nested(RoundWeightsIn, load_default=None, allow_none=True)
    thresholds = fields.Nested(RoundThresholdsIn, load_default=None, allow_none=True)
    evidence_rule = fields.Nested(EvidenceRuleIn, load_default=None, allow_none=True)
    excellent_quota_bp = fields.Int(load_default=3000, strict=True, validate=_BP)


class SelfScoreIn(Schema):
    member_id = _id()
    score = _score()


class PeerScoreIn(Schema):
    member_id = _id()
    scorer_id = _id()
    score = _score()


class UnitScoreIn(Schema):
    member_id = _id()
    unit_id = _id()
    score = _score()


class PublicRatingIn(Schema):
    member_id = _id()
    score = _score()
    rating_id = fields.Str(load_default=None, allow_none=True, validate=_ID,
                           metadata={"description": "the rater's ballot; a repeated id "
                                                    "replaces the earlier rating"})


class RoundCloseIn(Schema):
    unit_overrides = fields.Dict(
        keys=fields.Str(validate=_ID),
        values=fields.List(fields.Str(validate=_ID), validate=validate.Length(max=50)),
        load_default=dict,
        metadata={"description": "member id -> unit ids whose evidence counts for them, "
                                 "instead of the units learnt from org"})


class ResultReportIn(Schema):
    member_ids = fields.List(fields.Str(validate=_ID), load_default=None, allow_none=True,
                             validate=validate.Length(max=200))


class RoundOut(Schema):
    id = fields.Str(required=True)
    committee_id = fields.Str(required=True)
    year = fields.Int(required=True)
    status = fields.Str(required=True)
    member_ids = fields.List(fields.Str(), required=True)
    scorer_ids = fields.List(fields.Str(), required=True)
    scoring_unit_ids = fields.List(fields.Str(), required=True)
    weights = fields.Dict(keys=fields.Str(), values=fields.Int(), required=True)
    thresholds = fields.Dict(keys=fields.Str(), values=fields.Int(), required=True)
    evidence_rule = fields.Dict(keys=fields.Str(), values=fields.Raw(), required=True)
    excellent_quota_bp = fields.Int(required=True)
    opened_at = fields.Str(required=True)
    closed_at = fields.Str(allow_none=True)
    graded_at = fields.Str(allow_none=True)
    score_counts = fields.Dict(keys=fields.Str(), values=fields.Int())
    updated_at = fields.Str(required=True)
    version = fields.Int(required=True)


class RoundScoreOut(Schema):
    member_id = fields.Str(required=True)
    component = fields.Str(required=True)
    scorer = fields.Str(required=True)
    score = fields.Int(required=True)
    submitted_at = fields.Str(required=True)


class MemberEvidenceOut(Schema):
    member_id = fields.Str(required=True)
    unit_ids = fields.List(fields.Str(), required=True)
    meetings_due = fields.Int(required=True)
    meetings_held = fields.Int(required=True)
    activities_organized = fields.Int(required=True)
    young_people_reached = fields.Int(required=True)
    funds_raised_fen = fields.Int(required=True)
    credit_facilitated_fen = fields.Int(required=True)
    fact_count = fields.Int(required=True)
    flags = fields.List(fields.Str(), required=True)
    adjustment = fields.Int(required=True)


class RoundEvidenceOut(Schema):
    round_id = fields.Str(required=True)
    snapshot = fields.Bool(required=True, metadata={
        "description": "true once the round is closed (the evidence used); false: live"})
    as_of = fields.Str(allow_none=True)
    items = fields.List(fields.Nested(MemberEvidenceOut), required=True)


class AssessmentResultOut(Schema):
    round_id = fields.Str(required=True)
    member_id = fields.Str(required=True)
    member_name = fields.Str(allow_none=True)
    committee_id = fields.Str(required=True)
    year = fields.Int(required=True)
    self_mean = fields.Str(allow_none=True)
    peer_mean = fields.Str(allow_none=True)
    unit_mean = fields.Str(allow_none=True)
    public_mean = fields.Str(allow_none=True)
    self_count = fields.Int(required=True)
    peer_count = fields.Int(required=True)
    unit_count = fields.Int(required=True)
    public_count = fields.Int(required=True)
    missing = fields.List(fields.Str(), required=True)
    weighted = fields.Str(allow_none=True)
    adjustment = fields.Int(required=True)
    final = fields.Str(allow_none=True, metadata={"description": "decimal string, 2 places"})
    grade = fields.Str(allow_none=True)
    excellent_rank = fields.Int(allow_none=True)
    capped_by_quota = fields.Bool(required=True)
    flags = fields.List(fields.Str(), required=True)
    reported_to = fields.List(fields.Dict(keys=fields.Str(), values=fields.Raw()))
    graded_at = fields.Str(required=True)


class ResultReportOut(Schema):
    round_id = fields.Str(required=True)
    member_id = fields.Str(required=True)
    unit_id = fields.Str(required=True)
    department = fields.Str(allow_none=True)
    final = fields.Str(allow_none=True)
    grade = fields.Str(allow_none=True)
    reported_on = fields.Str(required=True)


class ResultReportsOut(Schema):
    reported = fields.List(fields.Nested(ResultReportOut), required=True)
    already_reported = fields.List(fields.Nested(ResultReportOut), required=True)


class CommitteePersonUnitOut(Schema):
    unit_id = fields.Str(required=True)
    reason = fields.Str(required=True)
    priority = fields.Int(required=True)


class CommitteePersonOut(Schema):
    person_id = fields.Str(required=True)
    name = fields.Str(required=True)
    roles = fields.List(fields.Str(), required=True)
    home_unit_id = fields.Str(allow_none=True)
    department = fields.Str(allow_none=True)
    units = fields.List(fields.Nested(CommitteePersonUnitOut), required=True)


# ---------------------------------------------------------------- recommendations


class MemberRecommendationIn(Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(KINDS))
    member_id = _id()
    committee_id = _id()
    round_id = fields.Str(load_default=None, allow_none=True, validate=_ID)
    reason = _text(2000)
    party_applied_on = _optional_date("date of the Party application (party_membership)")
    proposed_on = _optional_date("default today")


class BranchVoteIn(Schema):
    branch_id = _id(metadata={"description": "the League branch whose assembly voted"})
    vote_on = fields.Date(required=True)
    voting_members = fields.Int(required=True, strict=True,
                                validate=validate.Range(min=1, max=100_000))
    in_favour = fields.Int(required=True, strict=True, validate=_COUNT)
    against = fields.Int(required=True, strict=True, validate=_COUNT)
    abstain = fields.Int(required=True, strict=True, validate=_COUNT)


class MemberRecommendationSubmitIn(Schema):
    submitted_on = _optional_date("default today")


class MemberRecommendationOutcomeIn(Schema):
    outcome = fields.Str(required=True, validate=validate.OneOf(OUTCOMES))
    decided_on = _optional_date("default today")
    note = _optional_text(1000)


class PartyDecisionIn(Schema):
    """The Party's decision on a 推优, recorded by the organization department (issue 12)."""

    outcome = fields.Str(required=True, validate=validate.OneOf(OUTCOMES))
    decided_on = _optional_date("default today")
    note = _optional_text(1000)


class PartyDecisionOut(Schema):
    outcome = fields.Str(required=True)
    decided_on = fields.Str(required=True)
    note = fields.Str(allow_none=True)
    department = fields.Str(required=True)


class MemberRecommendationOut(Schema):
    id = fields.Str(required=True)
    kind = fields.Str(required=True)
    member_id = fields.Str(required=True)
    member_name = fields.Str(allow_none=True)
    committee_id = fields.Str(required=True)
    round_id = fields.Str(allow_none=True)
    round_grade = fields.Str(allow_none=True)
    reason = fields.Str(required=True)
    status = fields.Str(required=True)
    outcome = fields.Str(allow_none=True)
    proposed_on = fields.Str(required=True)
    party_applied_on = fields.Str(allow_none=True)
    vote = fields.Dict(keys=fields.Str(), values=fields.Raw(), allow_none=True)
    submitted_on = fields.Str(allow_none=True)
    decided_on = fields.Str(allow_none=True)
    history = fields.List(fields.Dict(keys=fields.Str(), values=fields.Raw()), required=True)
    updated_at = fields.Str(required=True)
    version = fields.Int(required=True)
    party_decision = fields.Nested(PartyDecisionOut, allow_none=True, metadata={
        "description": "the Party's decision as the organization department recorded it"})
    latest_round_grade = fields.Str(allow_none=True, metadata={
        "description": "grade in the latest round: the committee's latest graded assessment "
                       "round, or the member's latest annual evaluation"})
    excellent_in_latest_round = fields.Bool(metadata={
        "description": "优先: excellent in the latest round (listed first)"})
    priority = fields.Str(metadata={"description": "excellent_first / regular "
                                                   "(vocabulary recommendation_priorities)"})
    priority_label = fields.Str(metadata={"description": "zh-CN label of the priority"})


class LettersMissingQuery(Schema):
    committee_id = fields.Str(load_default=None, validate=validate.Length(min=1, max=64))


class LetterOwedOut(Schema):
    committee_id = fields.Str(required=True)
    member_id = fields.Str(required=True)
    member_name = fields.Str(allow_none=True)
    role = fields.Str(required=True, metadata={"description": "the post taken"})
    appointed_on = fields.Str(required=True)
    term_year = fields.Int(required=True)
    due_on = fields.Str(required=True, metadata={
        "description": "appointment + letter_notice_days: published by then"})
    state = fields.Str(required=True, metadata={"description": "missing / unpublished"})
    letter_id = fields.Str(allow_none=True)
    letter_status = fields.Str(allow_none=True)
    days_overdue = fields.Int(required=True)


class LetterPolicyOut(Schema):
    version = fields.Str(required=True)
    letter_notice_days = fields.Int(required=True)


class LettersMissingOut(Schema):
    items = fields.List(fields.Nested(LetterOwedOut), required=True)
    as_of = fields.Str(required=True)
    policy = fields.Nested(LetterPolicyOut, required=True)
