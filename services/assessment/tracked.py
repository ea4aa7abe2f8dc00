"""Facts assessment learns from other services' events (tracked projections)."""

from __future__ import annotations

from eventkit.projection import Projector
from services.common.org_facts import register_cooperative_handlers

from_org = Projector("assessment.from.org", tables=["known_cooperatives"])
register_cooperative_handlers(from_org)

TRACKED = {"org": from_org}
