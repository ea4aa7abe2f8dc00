"""A person's erasure (PIPL Art. 47): one stream per erased person, `person-<id>`.

The person is a member or someone appointed to a committee; their personal fields in every
service are encrypted under their own key, which each service destroys on `PersonErased`
(eventkit/people.py). A second request changes nothing: the key is already gone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput


class PersonRecord(Aggregate):
    stream_prefix = "person"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.erased_on: str | None = None

    def erase(self, reason: str, on: str, basis: str) -> bool:
        """Record the erasure; False when it was erased before (nothing recorded)."""
        reason = (reason or "").strip() if isinstance(reason, str) else ""
        if not reason:
            raise InvalidInput.field("reason", "is required")
        if self.erased_on is not None:
            return False
        self._record("PersonErased", {"person_id": self.id, "reason": reason, "on": on,
                                      "basis": basis})
        return True

    def _on_person_erased(self, data: dict[str, Any]) -> None:
        self.erased_on = data["on"]


# How long a person's data are kept after they stop being a member (PIPL Art. 19, 47: no
# longer than the purpose needs), by the member status that ended their membership. Years,
# configurable (ORG_RETENTION_YEARS, e.g. "left=3,aged_out=5"); absent kinds are never erased.
DEFAULT_RETENTION_YEARS = {"left": 5, "aged_out": 5}


def parse_retention(text: str | None) -> dict[str, int]:
    if not text:
        return dict(DEFAULT_RETENTION_YEARS)
    out: dict[str, int] = {}
    for part in text.split(","):
        kind, _, years = part.partition("=")
        if kind.strip() and years.strip():
            value = int(years)
            if value < 0:
                raise ValueError(f"retention of {kind} must not be negative")
            out[kind.strip()] = value
    return out


def erasure_due_on(status: str, status_since: dt.date | None,
                   retention: dict[str, int]) -> dt.date | None:
    """The day a former member's data fall due for erasure (None: not a retained kind)."""
    years = retention.get(status)
    if years is None or status_since is None:
        return None
    try:
        return status_since.replace(year=status_since.year + years)
    except ValueError:  # 29 February
        return status_since.replace(year=status_since.year + years, day=28)
