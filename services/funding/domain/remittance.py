"""Remittance of the dues a grass-roots unit collected, up the League tree.

A rule (set by the province, versioned, in basis points of the amount collected) says
which share the unit retains and which share comes back to it as a rebate; the rest stays
with the upper levels. The unit sends up everything but its retained share, and receives
the rebate back:

    retained = floor(collected * retained_bp / 10000)
    rebate   = floor(collected * rebate_bp / 10000)
    remitted = collected - retained            (sent up the tree)
    kept_above = remitted - rebate             (stays with the upper levels)

Rounding is down for the unit's two shares; the fen left over by rounding stay with the
upper levels, so retained + kept_above + rebate == collected exactly. A period is computed
under one rule only: a period that crosses the start of a new rule is refused (split it).
Each remittance records the rule version and ratios it used, so a new rule never changes
a past rebate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, RuleViolation

from .common import month_range, parse_month, require_fen, require_text

BASIS_POINTS = 10_000


@dataclass(frozen=True)
class RemittanceRule:
    version: str
    effective_from: str  # YYYY-MM
    retained_bp: int
    rebate_bp: int

    def __post_init__(self) -> None:
        parse_month("effective_from", self.effective_from)
        for name in ("retained_bp", "rebate_bp"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidInput.field(name, "must be a non-negative integer")
        if self.retained_bp + self.rebate_bp > BASIS_POINTS:
            raise InvalidInput.field("rebate_bp", "retained and rebate shares exceed 100%")


@dataclass(frozen=True)
class Remittance:
    remittance_id: str
    unit_id: str
    period_from: str
    period_to: str
    collected_fen: int
    retained_fen: int
    remitted_fen: int
    rebate_fen: int
    kept_above_fen: int
    rule_version: str
    retained_bp: int
    rebate_bp: int

    def to_event_data(self) -> dict[str, Any]:
        return asdict(self)


def remittance_rule_for(
    rules: Sequence[RemittanceRule], period_from: str, period_to: str
) -> RemittanceRule:
    months = month_range(period_from, period_to)
    candidates = [r for r in rules if r.effective_from <= period_from]
    if not candidates:
        raise RuleViolation(
            f"no remittance rule is in force in {period_from}", {"month": period_from}
        )
    rule = max(candidates, key=lambda r: r.effective_from)
    later = sorted(r.effective_from for r in rules if period_from < r.effective_from)
    if later and later[0] in months:
        raise RuleViolation(
            f"a new remittance rule starts in {later[0]}: split the period there",
            {"split_at": later[0]},
        )
    return rule


def compute_remittance(
    remittance_id: str,
    unit_id: str,
    period_from: str,
    period_to: str,
    collected_fen: int,
    rules: Sequence[RemittanceRule],
) -> Remittance:
    collected = require_fen("collected_fen", collected_fen, allow_zero=True)
    rule = remittance_rule_for(rules, period_from, period_to)
    retained = collected * rule.retained_bp // BASIS_POINTS
    rebate = collected * rule.rebate_bp // BASIS_POINTS
    remitted = collected - retained
    return Remittance(
        remittance_id=require_text("remittance_id", remittance_id),
        unit_id=require_text("unit_id", unit_id),
        period_from=period_from,
        period_to=period_to,
        collected_fen=collected,
        retained_fen=retained,
        remitted_fen=remitted,
        rebate_fen=rebate,
        kept_above_fen=remitted - rebate,
        rule_version=rule.version,
        retained_bp=rule.retained_bp,
        rebate_bp=rule.rebate_bp,
    )


def rebate_number(remittance: Remittance) -> str:
    """The receipt number of a remittance's rebate in the unit's fund (the remittance list
    finds the rebate entry by it)."""
    return rebate_number_of(remittance.period_from, remittance.period_to)


def rebate_number_of(period_from: object, period_to: object) -> str:
    """`rebate_number` from a remittance's period (dates or their ISO text)."""
    return f"dues-rebate {period_from}..{period_to}"


def rebate_receipt(
    remittance: Remittance, entry_id: str, receipt_number: str, received_on: dt.date
) -> dict[str, Any] | None:
    """Keyword arguments of `UnitFund.record_receipt` for the rebate (on the fund of
    `remittance.unit_id`), or None when the rebate is zero (a receipt is never zero)."""
    if remittance.rebate_fen == 0:
        return None
    return {
        "entry_id": entry_id,
        "receipt_number": receipt_number,
        "amount_fen": remittance.rebate_fen,
        "received_on": received_on,
        "source": "dues_rebate",
        "earmark": None,
        "payer_name": f"dues rebate {remittance.period_from}..{remittance.period_to}",
    }


class UnitRemittances(Aggregate):
    """The remittances of one unit (aggregate id = unit id): each period once."""

    stream_prefix = "remittance"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.remittances: dict[str, dict[str, Any]] = {}

    def record(self, remittance: Remittance) -> None:
        if remittance.unit_id != self.id:
            raise InvalidInput.field("unit_id", "is not this unit")
        if remittance.remittance_id in self.remittances:
            raise RuleViolation(
                f"remittance {remittance.remittance_id} already exists",
                {"remittance_id": remittance.remittance_id},
            )
        months = set(month_range(remittance.period_from, remittance.period_to))
        for other in self.remittances.values():
            if months & set(month_range(other["period_from"], other["period_to"])):
                raise RuleViolation(
                    f"the period overlaps remittance {other['remittance_id']} "
                    f"({other['period_from']}..{other['period_to']})",
                    {"clashing_remittance_id": other["remittance_id"]},
                )
        self._record("DuesRemitted", remittance.to_event_data())

    def _on_dues_remitted(self, data: dict[str, Any]) -> None:
        self.remittances[data["remittance_id"]] = dict(data)
