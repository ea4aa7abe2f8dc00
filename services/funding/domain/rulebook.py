"""The county's rule book: dues rule versions and remittance ratio versions.

Rules are data, appended as new versions; a version is never changed or removed.
* Dues: the default 2016 rule (`DEFAULT_DUES_RULES`) is always in the book; a new version
  does not start before the current month (`today_month`), so what was due in a past month
  never changes. It applies from its month until the next rule's month.
* Remittance: a version applies to the periods from its month until the next rule's month.
  A remittance records the ratios it used, so a new version never changes a past rebate
  (see `remittance.py`); it may start in any month, e.g. a province's late decision for a
  period not remitted yet.
* Two versions never start in the same month (which one would apply would be ambiguous).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, RuleViolation

from .common import parse_month, require_fen, require_text
from .dues import CATEGORIES, DEFAULT_DUES_RULES, DuesRule
from .remittance import RemittanceRule

RULE_BOOK_ID = "county"


def _categories(name: str, values: Iterable[Any]) -> frozenset[str]:
    if isinstance(values, str):
        raise InvalidInput.field(name, "must be a list of categories")
    out = set()
    for value in values:
        if value not in CATEGORIES or value == "with_income":
            allowed = ", ".join(c for c in CATEGORIES if c != "with_income")
            raise InvalidInput.field(name, f"must only hold {allowed}")
        out.add(str(value))
    return frozenset(out)


def dues_rule_from_data(data: dict[str, Any]) -> DuesRule:
    return DuesRule(
        version=data["version"],
        effective_from=data["effective_from"],
        threshold_fen=data["threshold_fen"],
        below_threshold_fen=data["below_threshold_fen"],
        per_mille=data["per_mille"],
        reduced_fen=data["reduced_fen"],
        reduced_categories=frozenset(data["reduced_categories"]),
        exempt_categories=frozenset(data["exempt_categories"]),
    )


def dues_rule_to_data(rule: DuesRule) -> dict[str, Any]:
    return {
        "version": rule.version,
        "effective_from": rule.effective_from,
        "threshold_fen": rule.threshold_fen,
        "below_threshold_fen": rule.below_threshold_fen,
        "per_mille": rule.per_mille,
        "reduced_fen": rule.reduced_fen,
        "reduced_categories": sorted(rule.reduced_categories),
        "exempt_categories": sorted(rule.exempt_categories),
    }


class RuleBook(Aggregate):
    """One per deployment (aggregate id `RULE_BOOK_ID`)."""

    stream_prefix = "rules"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self._dues: list[DuesRule] = []
        self._remittance: list[RemittanceRule] = []

    # ------------------------------------------------------------------ queries
    def dues_rules(self) -> tuple[DuesRule, ...]:
        return (*DEFAULT_DUES_RULES, *self._dues)

    def remittance_rules(self) -> tuple[RemittanceRule, ...]:
        return tuple(self._remittance)

    # ----------------------------------------------------------------- commands
    def add_dues_rule(
        self,
        version: str,
        effective_from: str,
        today_month: str,
        *,
        threshold_fen: int,
        below_threshold_fen: int,
        per_mille: int,
        reduced_fen: int,
        reduced_categories: Iterable[str],
        exempt_categories: Iterable[str],
    ) -> None:
        version = require_text("version", version)
        parse_month("effective_from", effective_from)
        parse_month("today_month", today_month)
        if any(r.version == version for r in self.dues_rules()):
            raise RuleViolation(f"dues rule version {version} exists", {"version": version})
        clash = next((r for r in self.dues_rules() if r.effective_from == effective_from), None)
        if clash is not None:
            raise RuleViolation(
                f"dues rule {clash.version} already starts in {effective_from}",
                {"clashing_version": clash.version},
            )
        if effective_from < today_month:
            raise RuleViolation(
                "a new dues rule cannot start in a past month (it would change what was due)",
                {"today_month": today_month},
            )
        if isinstance(per_mille, bool) or not isinstance(per_mille, int) or not 0 <= per_mille:
            raise InvalidInput.field("per_mille", "must be a non-negative integer")
        reduced = _categories("reduced_categories", reduced_categories)
        exempt = _categories("exempt_categories", exempt_categories)
        if reduced & exempt:
            raise InvalidInput.field("exempt_categories", "must not repeat a reduced category")
        rule = DuesRule(
            version=version,
            effective_from=effective_from,
            threshold_fen=require_fen("threshold_fen", threshold_fen, allow_zero=True),
            below_threshold_fen=require_fen(
                "below_threshold_fen", below_threshold_fen, allow_zero=True
            ),
            per_mille=per_mille,
            reduced_fen=require_fen("reduced_fen", reduced_fen, allow_zero=True),
            reduced_categories=reduced,
            exempt_categories=exempt,
        )
        self._record("DuesRuleAdded", dues_rule_to_data(rule))

    def add_remittance_rule(
        self, version: str, effective_from: str, retained_bp: int, rebate_bp: int
    ) -> None:
        version = require_text("version", version)
        rule = RemittanceRule(version, effective_from, retained_bp, rebate_bp)
        if any(r.version == version for r in self._remittance):
            raise RuleViolation(f"remittance rule version {version} exists", {"version": version})
        clash = next((r for r in self._remittance if r.effective_from == effective_from), None)
        if clash is not None:
            raise RuleViolation(
                f"remittance rule {clash.version} already starts in {effective_from}",
                {"clashing_version": clash.version},
            )
        self._record(
            "RemittanceRuleAdded",
            {
                "version": rule.version,
                "effective_from": rule.effective_from,
                "retained_bp": rule.retained_bp,
                "rebate_bp": rule.rebate_bp,
            },
        )

    # ------------------------------------------------------------- apply events
    def _on_dues_rule_added(self, data: dict[str, Any]) -> None:
        self._dues.append(dues_rule_from_data(data))

    def _on_remittance_rule_added(self, data: dict[str, Any]) -> None:
        self._remittance.append(
            RemittanceRule(
                data["version"], data["effective_from"], data["retained_bp"], data["rebate_bp"]
            )
        )
