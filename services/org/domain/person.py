"""A person's erasure (PIPL Art. 47): one stream per erased person, `person-<id>`.

The person is a member or someone appointed to a committee; their personal fields in every
service are encrypted under their own key, which each service destroys on `PersonErased`
(eventkit/people.py). A second request changes nothing: the key is already gone.
"""

from __future__ import annotations

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
