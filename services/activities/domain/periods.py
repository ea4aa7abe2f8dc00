"""Reporting periods ("YYYY-MM", "YYYY-Qn") and calendar-aligned cadence windows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from eventkit.errors import InvalidInput

# Cadence id -> window length in months; windows are aligned on January 1st.
CADENCE_MONTHS: dict[str, int] = {
    "monthly": 1,
    "bimonthly": 2,
    "quarterly": 3,
    "half_yearly": 6,
    "yearly": 12,
}

_PERIOD = re.compile(r"^([0-9]{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))\Z")


@dataclass(frozen=True, order=True)
class Span:
    """An inclusive range of local dates with a label (a period or a duty window)."""

    start: date
    end: date
    label: str

    def overlaps(self, other: Span) -> bool:
        return self.start <= other.end and other.start <= self.end

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _month_end(year: int, month: int) -> date:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _block(year: int, first_month: int, months: int) -> Span:
    last_month = first_month + months - 1
    index = (first_month - 1) // months + 1
    if months == 1:
        label = f"{year:04d}-{first_month:02d}"
    elif months == 12:
        label = f"{year:04d}"
    else:
        prefix = {2: "B", 3: "Q", 6: "H"}[months]
        label = f"{year:04d}-{prefix}{index}"
    return Span(date(year, first_month, 1), _month_end(year, last_month), label)


# Periods of a county office, not of the calendar's edges (date(0, 1, 1) does not exist).
MIN_YEAR, MAX_YEAR = 1949, 2999


def parse_period(text: str) -> Span:
    """'2024-03' -> March 2024; '2024-Q1' -> Jan 1 to Mar 31 2024."""
    match = _PERIOD.match(text) if isinstance(text, str) else None
    if match is None:
        raise InvalidInput.field("period", "must be YYYY-MM or YYYY-Qn")
    year = int(match.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput.field("period", f"year must be between {MIN_YEAR} and {MAX_YEAR}")
    if match.group(2):
        return _block(year, int(match.group(2)), 1)
    quarter = int(match.group(3))
    return _block(year, 3 * quarter - 2, 3)


def check_cadence(name: str, cadence: str) -> int:
    if cadence not in CADENCE_MONTHS:
        raise InvalidInput.field(name, "must be one of " + ", ".join(CADENCE_MONTHS))
    return CADENCE_MONTHS[cadence]


def window_of(day: date, cadence: str) -> Span:
    months = check_cadence("cadence", cadence)
    first = (day.month - 1) // months * months + 1
    return _block(day.year, first, months)


def windows_overlapping(span: Span, cadence: str) -> list[Span]:
    """Cadence windows overlapping `span`, in order (a monthly cadence over a quarter
    gives three windows; a quarterly cadence over a month gives its quarter)."""
    out: list[Span] = []
    day = span.start
    while day <= span.end:
        window = window_of(day, cadence)
        out.append(window)
        day = window.end + timedelta(days=1)
    return out


def next_period(period: Span) -> Span:
    day = period.end + timedelta(days=1)
    if "-Q" in period.label:
        return parse_period(f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}")
    return parse_period(f"{day.year:04d}-{day.month:02d}")


def periods_between(first: str, last: str, *, limit: int = 120) -> list[Span]:
    """Consecutive periods from `first` to `last` inclusive; both months or both quarters."""
    start, end = parse_period(first), parse_period(last)
    if ("-Q" in start.label) != ("-Q" in end.label):
        raise InvalidInput.field("to_period", "must use the same form as from_period")
    if end.start < start.start:
        raise InvalidInput.field("to_period", "must not be before from_period")
    out = [start]
    while out[-1] != end:
        if len(out) >= limit:
            raise InvalidInput.field("to_period", f"at most {limit} periods")
        out.append(next_period(out[-1]))
    return out


def this_and_last_quarter(today: date) -> tuple[str, str]:
    """The quarters a unit's calendar shows duties of: (last quarter, this quarter)."""
    quarter = (today.month - 1) // 3 + 1
    previous = f"{today.year}-Q{quarter - 1}" if quarter > 1 else f"{today.year - 1}-Q4"
    return previous, f"{today.year}-Q{quarter}"
