"""Which read action each event type falls under, for the event feed and the audit trail.

Every event type of every service is named here, explicitly: a caller sees an event in
`/events` and `/audit` only when allowed its action (and, with a unit scope, only when it
mentions a unit in scope). There is no fallback by stream prefix: `RemittanceRuleAdded`
(stream `rules-`) once fell back to `credit.read`, showing dues rules to banks and hiding
them from the organization department. A type missing here falls under `audit.read` (the
county's admins only) and `tests/unit/test_event_actions.py` fails, for every registry the
services define, including event types added later.
"""

from __future__ import annotations


def _all(action: str, *types: str) -> dict[str, str]:
    return dict.fromkeys(types, action)


EVENT_ACTIONS: dict[str, dict[str, str]] = {
    "org": {
        **_all("committees.read", "CommitteeCreated", "CommitteeMemberAppointed",
               "CommitteeMemberRemoved", "CoordinationRecorded", "DeputySecretaryAppointed",
               "DeputySecretaryRemoved", "EstablishmentApproved", "EstablishmentRequested",
               "FoundingConferenceHeld", "MemberUnitAdded", "MemberUnitRemoved", "PlanDrafted",
               "PreparatoryGroupFormed", "SecretaryAppointed", "SecretaryRemoved",
               "SurveyRecorded", "LeadershipProblemOpened", "LeadershipProblemResolved"),
        **_all("cooperatives.read", "CooperativeRegistered", "CooperativeUpdated"),
        **_all("members.read", "MemberAgedOut", "MemberLeft", "MemberReassigned",
               "MemberRegistered", "RoleAssigned", "RoleEnded", "TransferApproved",
               "TransferRejected", "TransferRequested", "SelfLapseProcedureStarted",
               "SelfLapseDecided", "MemberEvaluationRecorded"),
        # an erasure names a person, not a resource anyone reads: admins' audit only
        **_all("audit.read", "PersonErased"),
        **_all("units.read", "UnitCoverageChanged", "UnitCreated", "UnitDissolved",
               "UnitGroupFunctionsSet", "UnitManagementChanged", "UnitMergedInto", "UnitMoved",
               "UnitRenamed", "BranchCommitteeElected"),
        **_all("service_requests.read", "ServiceRequestSubmitted", "ServiceRequestAccepted",
               "ServiceRequestAnswered", "ServiceRequestClosed"),
    },
    "activities": {
        **_all("activities.read", "ActivityCancelled", "ActivityCheckInRecorded", "ActivityEdited",
               "ActivityHeld", "ActivityPlanned", "ActivityRegistrationAdded",
               "ActivityRegistrationWithdrawn", "SupervisionActionAdded",
               "SupervisionActionClosed", "SupervisionVisitRecorded", "UnifiedActivityClosed",
               "UnifiedActivityIssued", "UnifiedActivityPartHeld", "UnifiedActivityPartLinked",
               "UnifiedActivityUnitExcused", "UnifiedActivityUnitsAdded",
               "WeChatGroupAdminChanged", "WeChatGroupClosed", "WeChatGroupMemberCountReported",
               "WeChatGroupRegistered", "WeChatGroupRenamed", "WorkMenuAdoptionDropped",
               "WorkMenuDrafted", "WorkMenuItemAdded", "WorkMenuItemAdopted",
               "WorkMenuItemWithdrawn", "WorkMenuPublished"),
        **_all("meetings.read", "MeetingMinutesAmended", "MeetingRecordRetracted",
               "MeetingRecorded"),
    },
    "funding": {
        **_all("funds.read", "AllocationReleased", "EntryReversed", "ExpenseRecorded",
               "FundsAllocated", "PledgeRecorded", "ReceiptRecorded", "VenueBooked",
               "VenueBookingCancelled", "VenueCapacityChanged", "VenueRegistered"),
        **_all("credit.read", "CreditGranted", "CreditRevoked", "GrantRecommended",
               "LoanDisbursed", "LoanEventParked", "LoanOverdue", "LoanRepaid",
               "ParkedLoanEventsReleased", "PartnerEventHeld", "PartnerEventRefused"),
        **_all("entrepreneurs.read", "EntrepreneurRegistered"),
        **_all("applications.read", "ApplicationSubmitted", "ApplicationPrechecked",
               "ApplicationRecommended", "ApplicationGranted", "ApplicationRefused"),
        # what goes out to the banks (no personal data): the banks read it in the feed too
        **_all("credit.read", "ApplicationSentToBank"),
        **_all("dues.read", "DuesBasisChanged", "DuesPaid", "DuesPaymentReversed", "DuesRemitted",
               "DuesRuleAdded", "MemberDuesStarted", "RemittanceRuleAdded"),
    },
    "assessment": {
        **_all("recommendations.read", "BranchVoteRecorded", "RecommendationOutcomeRecorded",
               "RecommendationProposed", "RecommendationSubmitted", "PartyDecisionRecorded"),
        **_all("commitments.read", "LetterAmended", "LetterAssessed", "LetterCommentAccepted",
               "LetterCommentReceived", "LetterCommentRejected", "LetterDrafted",
               "LetterImplementationStarted", "LetterItemAdded", "LetterItemRemoved",
               "LetterItemRevised", "LetterProgressReported", "LetterPublished", "LetterSubmitted"),
        **_all("assessments.read", "PeerScoreSubmitted", "PublicRatingSubmitted", "ResultReported",
               "RoundClosed", "RoundGraded", "RoundOpened", "SelfScoreSubmitted",
               "UnitScoreSubmitted"),
    },
}


def event_action(source: str, event_type: str) -> str:
    """The read action of an event type; `audit.read` (admins only) for an unmapped one."""
    return EVENT_ACTIONS.get(source, {}).get(event_type, "audit.read")
