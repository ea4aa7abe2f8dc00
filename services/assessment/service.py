"""The assessment service (nameko)."""

from __future__ import annotations

from eventkit.errors import NotFound
from eventkit.nameko_ext import EventSourcing, FeedMixin, command
from services.assessment.events import registry
from services.assessment.projections import projector
from services.assessment.tracked import TRACKED
from services.common.org_facts import get_known_cooperative


class AssessmentService(FeedMixin):
    name = "assessment"
    es = EventSourcing("assessment", registry, projector, tracked=TRACKED)

    @command
    def known_cooperative(self, coop_id: str) -> dict:
        coop = self.es.read(lambda cur: get_known_cooperative(cur, coop_id))
        if coop is None:
            raise NotFound(f"cooperative {coop_id} not known to assessment")
        return coop
