"""Event schemas of the assessment service (marshmallow 4), one per event type."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from eventkit.personal import Personal
from eventkit.registry import EventRegistry

registry = EventRegistry("assessment")

_SCORE = validate.Range(min=0, max=100)
_NON_NEGATIVE = validate.Range(min=0)
_BP = validate.Range(min=0, max=10_000)
_CATEGORY = validate.OneOf(["common", "post", "practical_deeds", "self_discipline"])
_GRADE = validate.OneOf(["excellent", "competent", "basically_competent", "incompetent"])


class _Strict(Schema):
    class Meta:
        unknown = RAISE


def _id() -> fields.Str:
    return fields.Str(required=True, validate=validate.Length(min=1, max=64))


def _text(max_len: int) -> fields.Str:
    return fields.Str(required=True, validate=validate.Length(min=1, max=max_len))


def _optional_text(max_len: int) -> fields.Str:
    return fields.Str(
        required=True, allow_none=True, validate=validate.Length(min=1, max=max_len)
    )


# -- commitment letter ----------------------------------------------------------------------


class ItemSchema(_Strict):
    item_id = _id()
    category = fields.Str(required=True, validate=_CATEGORY)
    content = _text(2000)
    target = _text(500)
    deadline = fields.Date(required=True)


@registry.event("LetterDrafted", version=1)
class LetterDraftedSchema(_Strict):
    letter_id = _id()
    committee_id = _id()
    member_id = _id()
    year = fields.Int(required=True, validate=validate.Range(min=2000, max=2100))
    drafted_on = fields.Date(required=True)


@registry.event("LetterItemAdded", version=1)
class LetterItemAddedSchema(ItemSchema):
    pass


@registry.event("LetterItemRevised", version=1)
class LetterItemRevisedSchema(ItemSchema):
    pass


@registry.event("LetterItemRemoved", version=1)
class LetterItemRemovedSchema(_Strict):
    item_id = _id()


@registry.event("LetterSubmitted", version=1)
class LetterSubmittedSchema(_Strict):
    signed_on = fields.Date(required=True)


@registry.event("LetterPublished", version=1)
class LetterPublishedSchema(_Strict):
    published_on = fields.Date(required=True)
    notice_days = fields.Int(required=True, validate=validate.Range(min=1, max=60))
    items = fields.List(fields.Nested(ItemSchema), required=True)


@registry.event("LetterImplementationStarted", version=1)
class LetterImplementationStartedSchema(_Strict):
    started_on = fields.Date(required=True)


@registry.event("LetterProgressReported", version=1)
class LetterProgressReportedSchema(_Strict):
    report_id = _id()
    item_id = _id()
    version = fields.Int(required=True, validate=validate.Range(min=1))
    reported_on = fields.Date(required=True)
    text = _text(4000)
    evidence_links = fields.List(
        fields.Str(validate=[validate.Regexp(r"^https?://"), validate.Length(max=2000)]),
        required=True,
        validate=validate.Length(max=20),
    )


@registry.event("LetterAmended", version=1)
class LetterAmendedSchema(_Strict):
    version = fields.Int(required=True, validate=validate.Range(min=2))
    reason = _text(1000)
    amended_on = fields.Date(required=True)
    items = fields.List(fields.Nested(ItemSchema), required=True)


@registry.event("LetterAssessed", version=1)
class LetterAssessedSchema(_Strict):
    round_id = _id()
    assessed_on = fields.Date(required=True)


@registry.event("LetterCommentReceived", version=1)
class LetterCommentReceivedSchema(_Strict):
    # a member of the public: each comment is its own subject
    personal = Personal(("name", "contact"), subject="comment_id")
    comment_id = _id()
    version = fields.Int(required=True, validate=validate.Range(min=1))
    text = _text(2000)
    name = _optional_text(100)
    contact = _optional_text(200)
    received_at = fields.AwareDateTime(required=True)


@registry.event("LetterCommentAccepted", version=1)
class LetterCommentAcceptedSchema(_Strict):
    comment_id = _id()
    editor_id = _id()
    moderated_at = fields.AwareDateTime(required=True)


@registry.event("LetterCommentRejected", version=1)
class LetterCommentRejectedSchema(_Strict):
    comment_id = _id()
    editor_id = _id()
    reason = _text(500)
    moderated_at = fields.AwareDateTime(required=True)


# -- assessment round -----------------------------------------------------------------------


class WeightsSchema(_Strict):
    self_bp = fields.Int(required=True, validate=_BP)
    peer_bp = fields.Int(required=True, validate=_BP)
    unit_bp = fields.Int(required=True, validate=_BP)
    public_bp = fields.Int(required=True, validate=_BP)


class ThresholdsSchema(_Strict):
    excellent = fields.Int(required=True, validate=_SCORE)
    competent = fields.Int(required=True, validate=_SCORE)
    basically_competent = fields.Int(required=True, validate=_SCORE)


class EvidenceRuleSchema(_Strict):
    min_meeting_ratio_bp = fields.Int(required=True, validate=_BP)
    meeting_shortfall_adjustment = fields.Int(required=True)
    flag_no_activity = fields.Bool(required=True)
    no_activity_adjustment = fields.Int(required=True)


@registry.event("RoundOpened", version=1)
class RoundOpenedSchema(_Strict):
    round_id = _id()
    year = fields.Int(required=True, validate=validate.Range(min=2000, max=2100))
    committee_id = _id()
    member_ids = fields.List(fields.Str(), required=True, validate=validate.Length(min=1))
    scorer_ids = fields.List(fields.Str(), required=True)
    scoring_unit_ids = fields.List(fields.Str(), required=True)
    weights = fields.Nested(WeightsSchema, required=True)
    thresholds = fields.Nested(ThresholdsSchema, required=True)
    evidence_rule = fields.Nested(EvidenceRuleSchema, required=True)
    excellent_quota_bp = fields.Int(required=True, validate=_BP)
    opened_at = fields.AwareDateTime(required=True)


class _ScoreBase(_Strict):
    member_id = _id()
    score = fields.Int(required=True, validate=_SCORE)
    submitted_at = fields.AwareDateTime(required=True)


@registry.event("SelfScoreSubmitted", version=1)
class SelfScoreSubmittedSchema(_ScoreBase):
    pass


@registry.event("PeerScoreSubmitted", version=1)
class PeerScoreSubmittedSchema(_ScoreBase):
    scorer_id = _id()


@registry.event("UnitScoreSubmitted", version=1)
class UnitScoreSubmittedSchema(_ScoreBase):
    unit_id = _id()


@registry.event("PublicRatingSubmitted", version=1)
class PublicRatingSubmittedSchema(_ScoreBase):
    rating_id = _id()


class MemberEvidenceSchema(_Strict):
    member_id = _id()
    unit_ids = fields.List(fields.Str(), required=True)
    meetings_due = fields.Int(required=True, validate=_NON_NEGATIVE)
    meetings_held = fields.Int(required=True, validate=_NON_NEGATIVE)
    activities_organized = fields.Int(required=True, validate=_NON_NEGATIVE)
    young_people_reached = fields.Int(required=True, validate=_NON_NEGATIVE)
    funds_raised_fen = fields.Int(required=True, validate=_NON_NEGATIVE)
    credit_facilitated_fen = fields.Int(required=True, validate=_NON_NEGATIVE)
    fact_count = fields.Int(required=True, validate=_NON_NEGATIVE)
    flags = fields.List(fields.Str(), required=True)
    adjustment = fields.Int(required=True)


@registry.event("RoundClosed", version=1)
class RoundClosedSchema(_Strict):
    closed_at = fields.AwareDateTime(required=True)
    evidence = fields.List(fields.Nested(MemberEvidenceSchema), required=True)


def _decimal_str() -> fields.Str:
    # Scores travel as decimal strings ("87.50") so that no consumer reads them as floats.
    return fields.Str(
        required=True, allow_none=True, validate=validate.Regexp(r"^[0-9]{1,3}\.[0-9]{2}\Z")
    )


class MemberResultSchema(_Strict):
    member_id = _id()
    self_mean = _decimal_str()
    peer_mean = _decimal_str()
    unit_mean = _decimal_str()
    public_mean = _decimal_str()
    self_count = fields.Int(required=True, validate=_NON_NEGATIVE)
    peer_count = fields.Int(required=True, validate=_NON_NEGATIVE)
    unit_count = fields.Int(required=True, validate=_NON_NEGATIVE)
    public_count = fields.Int(required=True, validate=_NON_NEGATIVE)
    missing = fields.List(fields.Str(), required=True)
    weighted = _decimal_str()
    adjustment = fields.Int(required=True)
    final = _decimal_str()
    grade = fields.Str(required=True, allow_none=True, validate=_GRADE)
    excellent_rank = fields.Int(required=True, allow_none=True)
    capped_by_quota = fields.Bool(required=True)
    flags = fields.List(fields.Str(), required=True)


@registry.event("RoundGraded", version=1)
class RoundGradedSchema(_Strict):
    graded_at = fields.AwareDateTime(required=True)
    results = fields.List(fields.Nested(MemberResultSchema), required=True)


@registry.event("ResultReported", version=1)
class ResultReportedSchema(_Strict):
    round_id = _id()
    committee_id = _id()
    year = fields.Int(required=True)
    member_id = _id()
    unit_id = _id()
    department = _optional_text(64)
    final = _decimal_str()
    grade = fields.Str(required=True, allow_none=True, validate=_GRADE)
    reported_on = fields.Date(required=True)


# -- recommendation -------------------------------------------------------------------------


@registry.event("RecommendationProposed", version=1)
class RecommendationProposedSchema(_Strict):
    recommendation_id = _id()
    kind = fields.Str(
        required=True, validate=validate.OneOf(["party_membership", "league_award", "training"])
    )
    member_id = _id()
    committee_id = _id()
    round_id = fields.Str(required=True, allow_none=True)
    reason = _text(2000)
    proposed_on = fields.Date(required=True)
    party_applied_on = fields.Date(required=True, allow_none=True)


@registry.event("BranchVoteRecorded", version=1)
class BranchVoteRecordedSchema(_Strict):
    branch_id = _id()
    vote_on = fields.Date(required=True)
    voting_members = fields.Int(required=True, validate=validate.Range(min=1))
    in_favour = fields.Int(required=True, validate=_NON_NEGATIVE)
    against = fields.Int(required=True, validate=_NON_NEGATIVE)
    abstain = fields.Int(required=True, validate=_NON_NEGATIVE)


@registry.event("RecommendationSubmitted", version=1)
class RecommendationSubmittedSchema(_Strict):
    submitted_on = fields.Date(required=True)


@registry.event("RecommendationOutcomeRecorded", version=1)
class RecommendationOutcomeRecordedSchema(_Strict):
    outcome = fields.Str(
        required=True, validate=validate.OneOf(["accepted", "declined", "pending"])
    )
    decided_on = fields.Date(required=True)
    note = _optional_text(1000)


@registry.event("PartyDecisionRecorded", version=1)
class PartyDecisionRecordedSchema(_Strict):
    """Issue 12: the organization department records the Party's decision on a 推优 through
    its own token (an outcome like RecommendationOutcomeRecorded, by that department)."""

    outcome = fields.Str(
        required=True, validate=validate.OneOf(["accepted", "declined", "pending"])
    )
    decided_on = fields.Date(required=True)
    note = _optional_text(1000)
    department = _id()
