"""The coverage read model's maintenance (services/org/coverage_projections.py): which events
refresh it and what each costs in statements, on a recording cursor (no database)."""

from __future__ import annotations

from typing import Any

import pytest

from eventkit.projection import Projector
from services.org import coverage_projections
from services.org.contract.events import registry
from services.org.projections import projector as org_projector

# Every org event that cannot change a cooperative's coverage (coverage_projections' docstring
# says why): a new event type must be put here or given a refresh.
UNCHANGING = {
    "BranchCommitteeElected", "CommitteeCreated", "CommitteeMemberAppointed",
    "CommitteeMemberRemoved", "CooperativeRegistered", "CooperativeUpdated",
    "CoordinationRecorded", "DeputySecretaryAppointed", "DeputySecretaryRemoved",
    "EstablishmentApproved", "EstablishmentRequested", "FoundingConferenceHeld",
    "LeadershipProblemOpened", "LeadershipProblemResolved", "MemberEvaluationRecorded",
    "MemberUnitAdded", "MemberUnitRemoved", "PersonErased", "PlanDrafted",
    "PreparatoryGroupFormed", "RoleAssigned", "RoleEnded", "SecretaryAppointed",
    "SecretaryRemoved", "SelfLapseDecided", "SelfLapseProcedureStarted",
    "ServiceRequestAccepted", "ServiceRequestAnswered", "ServiceRequestClosed",
    "ServiceRequestSubmitted", "SurveyRecorded", "TransferRejected", "TransferRequested",
    "UnitGroupFunctionsSet", "UnitManagementChanged", "UnitRenamed",
}


class Recorder:
    """A cursor that records statements; `fetchone` answers `row`."""

    def __init__(self, row: Any = None) -> None:
        self.sql: list[str] = []
        self.row = row

    def execute(self, sql: str, args: Any = None) -> None:
        self.sql.append(sql)

    def fetchone(self) -> Any:
        return self.row


def coverage_only() -> Projector:
    p = Projector("test", tables=[])
    coverage_projections.register_locks(p)
    coverage_projections.register_refreshes(p)
    return p


def env(event_type: str, **data: Any) -> dict[str, Any]:
    return {"type": event_type, "stream_id": "x-id1", "version": 1,
            "occurred_at": "2024-03-01T00:00:00+00:00", "data": data}


def kinds(cur: Recorder) -> list[str]:
    return ["lock" if "pg_advisory_xact_lock" in s else
            "refresh" if s.startswith("SELECT refresh_coverage") else s for s in cur.sql]


def test_every_event_type_either_refreshes_or_cannot_change_coverage() -> None:
    p = coverage_only()
    handled = {t for t in registry.types() if p.handles(t)}
    assert handled == {"UnitCreated", "UnitMoved", "UnitCoverageChanged", "UnitMergedInto",
                       "UnitDissolved", "MemberRegistered", "TransferApproved",
                       "MemberReassigned", "MemberLeft", "MemberAgedOut"}
    assert set(registry.types()) == handled | UNCHANGING


@pytest.mark.parametrize(("event", "row", "expected"), [
    (env("UnitCreated", cooperative_ids=[]), None, []),
    (env("UnitCreated", cooperative_ids=["c1"]), None, ["lock", "refresh"]),
    (env("UnitCoverageChanged", cooperative_ids=[]), None, ["lock", "refresh"]),
    (env("UnitMergedInto", target_unit_id="u2"), None, ["lock", "refresh"]),
    (env("UnitDissolved", reason="x"), None, ["lock", "refresh"]),
    (env("UnitMoved", from_parent_id="u1", to_parent_id="u2"), None, ["lock", "refresh"]),
    (env("MemberRegistered", kind="young_person", unit_id="u1"), None, []),
    (env("MemberRegistered", kind="league_member", unit_id="u1"), None, ["lock", "refresh"]),
    # the lock's statement reads the member's kind: a young person stops there
    (env("TransferApproved", from_unit_id="u1", to_unit_id="u2"), None, ["lock"]),
    (env("TransferApproved", from_unit_id="u1", to_unit_id="u2"), ("u2",), ["lock", "refresh"]),
    (env("MemberReassigned", from_unit_id="u1", to_unit_id="u2"), ("u2",), ["lock", "refresh"]),
    (env("MemberLeft", unit_id=None), None, ["lock"]),
    (env("MemberLeft", unit_id="u1"), ("u1",), ["lock", "refresh"]),
    (env("MemberAgedOut", unit_id="u1"), ("u1",), ["lock", "refresh"]),
])
def test_what_each_event_costs(event: dict[str, Any], row: Any, expected: list[str]) -> None:
    cur = Recorder(row)
    coverage_only().apply(cur, event)
    assert kinds(cur) == expected


def test_a_tree_event_locks_before_the_trees_own_handlers_write() -> None:
    cur = Recorder()
    org_projector.apply(cur, env("UnitMoved", from_parent_id="u1", to_parent_id="u2"))
    assert kinds(cur)[0] == "lock" and kinds(cur)[-1] == "refresh"
    assert any(s.startswith("UPDATE units") for s in cur.sql[1:-1])
