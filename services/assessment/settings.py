"""Where the assessment policy numbers come from: the versions in `domain/policy.py` plus a
deployment's `ASSESSMENT_POLICY_OVERRIDES` (a JSON list of versions, each changing some
numbers)."""

from __future__ import annotations

import json
import os

from services.assessment.domain.policy import VERSIONS, AssessmentPolicy, with_overrides


def versions() -> tuple[AssessmentPolicy, ...]:
    raw = os.environ.get("ASSESSMENT_POLICY_OVERRIDES", "").strip()
    return with_overrides(json.loads(raw)) if raw else VERSIONS
