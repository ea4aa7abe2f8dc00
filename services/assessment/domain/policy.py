"""The assessment service's policy numbers (issue 12), versioned like the dues rules and org's
policy: a version applies from its `effective_from` until the next one's; versions are
appended, never changed. A deployment appends versions with `ASSESSMENT_POLICY_OVERRIDES`
(a JSON list of {version, effective_from, ...changed numbers}, read by `settings.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from eventkit.errors import InvalidInput


@dataclass(frozen=True)
class AssessmentPolicy:
    version: str = "2024-1"
    effective_from: str = "2000-01-01"
    # A post taken on the working committee opens the person's commitment letter for the
    # term; it is listed as missing or unpublished once this many days have passed since
    # the appointment without a published letter.
    letter_notice_days: int = 30

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type == "int" and (not isinstance(value, int) or value < 0):
                raise InvalidInput.field(f.name, "must be a whole number, 0 or more")


DEFAULT = AssessmentPolicy()
VERSIONS: tuple[AssessmentPolicy, ...] = (DEFAULT,)


def with_overrides(overrides: Iterable[Mapping[str, Any]],
                   base: Sequence[AssessmentPolicy] = VERSIONS) -> tuple[AssessmentPolicy, ...]:
    out = list(base)
    known = {f.name for f in fields(AssessmentPolicy)}
    for raw in overrides:
        unknown = sorted(set(raw) - known)
        if unknown:
            raise InvalidInput.field(unknown[0], "is not an assessment policy number")
        version = replace(out[-1], **dict(raw))
        if version.effective_from <= out[-1].effective_from:
            raise InvalidInput.field("effective_from", "a new version starts after the last one")
        out.append(version)
    return tuple(out)


def policy_on(day: dt.date,
              versions: Sequence[AssessmentPolicy] = VERSIONS) -> AssessmentPolicy:
    current = versions[0]
    for version in versions:
        if dt.date.fromisoformat(version.effective_from) <= day:
            current = version
    return current
