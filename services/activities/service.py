"""The activities service (nameko)."""

from __future__ import annotations

from eventkit.errors import NotFound
from eventkit.nameko_ext import EventSourcing, FeedMixin, command
from services.activities.events import registry
from services.activities.projections import projector
from services.activities.tracked import TRACKED
from services.common.org_facts import get_known_cooperative


class ActivitiesService(FeedMixin):
    name = "activities"
    es = EventSourcing("activities", registry, projector, tracked=TRACKED)

    @command
    def known_cooperative(self, coop_id: str) -> dict:
        coop = self.es.read(lambda cur: get_known_cooperative(cur, coop_id))
        if coop is None:
            raise NotFound(f"cooperative {coop_id} not known to activities")
        return coop
