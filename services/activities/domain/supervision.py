"""Research / supervision visits (调研督导) and their follow-up actions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, RuleViolation

from ._common import clean_id, clean_text, clean_text_list, parse_date, require_date


@dataclass(frozen=True)
class FollowUp:
    """A follow-up action to record with a visit (ids come from the service layer)."""

    action_id: str
    description: str
    due_on: date | None = None


@dataclass
class Action:
    action_id: str
    description: str
    due_on: date | None
    closed_on: date | None = None
    closing_note: str = ""

    @property
    def closed(self) -> bool:
        return self.closed_on is not None


def _action_data(action: FollowUp) -> dict[str, Any]:
    return {
        "action_id": clean_id("action_id", action.action_id),
        "description": clean_text("description", action.description, max_len=2000),
        "due_on": require_date("due_on", action.due_on).isoformat() if action.due_on else None,
    }


class SupervisionVisit(Aggregate):
    stream_prefix = "supervision_visit"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.visitor = ""
        self.unit_id = ""
        self.visited_on: date | None = None
        self.findings: list[str] = []
        self.actions: dict[str, Action] = {}

    def record(
        self,
        *,
        visitor: str,
        unit_id: str,
        visited_on: date,
        findings: Sequence[str],
        today: date,
        actions: Sequence[FollowUp] = (),
    ) -> None:
        if self.exists:
            raise RuleViolation("visit already recorded", {})
        day = require_date("visited_on", visited_on)
        if day > require_date("today", today):
            raise InvalidInput.field("visited_on", "must not be in the future")
        data_actions = [_action_data(a) for a in actions]
        ids = [a["action_id"] for a in data_actions]
        if len(set(ids)) != len(ids):
            raise InvalidInput.field("actions", "action ids must be distinct")
        for action in data_actions:
            self._check_due(action["due_on"], day)
        self._record(
            "SupervisionVisitRecorded",
            {
                "visitor": clean_text("visitor", visitor),
                "unit_id": clean_id("unit_id", unit_id),
                "visited_on": day.isoformat(),
                "findings": clean_text_list("findings", findings, max_len=5000),
                "actions": data_actions,
            },
        )

    def add_action(self, action: FollowUp) -> None:
        self._require_exists()
        data = _action_data(action)
        if data["action_id"] in self.actions:
            raise RuleViolation("action already exists", {"action_id": data["action_id"]})
        assert self.visited_on is not None
        self._check_due(data["due_on"], self.visited_on)
        self._record("SupervisionActionAdded", data)

    def close_action(self, action_id: str, *, closed_on: date, note: str, today: date) -> None:
        self._require_exists()
        ident = clean_id("action_id", action_id)
        if ident not in self.actions:
            raise RuleViolation("no such action", {"action_id": ident})
        if self.actions[ident].closed:
            raise RuleViolation("action already closed", {"action_id": ident})
        day = require_date("closed_on", closed_on)
        assert self.visited_on is not None
        if day < self.visited_on:
            raise InvalidInput.field("closed_on", "must not be before the visit")
        if day > require_date("today", today):
            raise InvalidInput.field("closed_on", "must not be in the future")
        self._record(
            "SupervisionActionClosed",
            {
                "action_id": ident,
                "closed_on": day.isoformat(),
                "note": clean_text("note", note, max_len=2000),
            },
        )

    # -- queries ----------------------------------------------------------------------

    @property
    def open_actions(self) -> list[Action]:
        return [a for a in self.actions.values() if not a.closed]

    @property
    def fully_closed(self) -> bool:
        return self.exists and not self.open_actions

    def overdue_actions(self, today: date) -> list[Action]:
        return [a for a in self.open_actions if a.due_on is not None and a.due_on < today]

    def _check_due(self, due_on: str | None, visited_on: date) -> None:
        if due_on is not None and parse_date(due_on) < visited_on:
            raise InvalidInput.field("due_on", "must not be before the visit")

    def _require_exists(self) -> None:
        if not self.exists:
            raise RuleViolation("visit not recorded", {})

    def _add(self, data: dict[str, Any]) -> None:
        due = data.get("due_on")
        self.actions[data["action_id"]] = Action(
            data["action_id"], data["description"], parse_date(due) if due else None
        )

    def _on_supervision_visit_recorded(self, data: dict[str, Any]) -> None:
        self.visitor = data["visitor"]
        self.unit_id = data["unit_id"]
        self.visited_on = parse_date(data["visited_on"])
        self.findings = list(data["findings"])
        for action in data["actions"]:
            self._add(action)

    def _on_supervision_action_added(self, data: dict[str, Any]) -> None:
        self._add(data)

    def _on_supervision_action_closed(self, data: dict[str, Any]) -> None:
        action = self.actions[data["action_id"]]
        action.closed_on = parse_date(data["closed_on"])
        action.closing_note = data["note"]
