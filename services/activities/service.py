"""The activities service (nameko): activities, unified activities, work menus, supervision
visits, WeChat groups, meetings and their compliance, calendars and statistics.

Write RPCs take `(…, payload, command_id=None, scope=None)`; `scope` (unit ids the caller may
see, None = all) makes objects of other units answer NotFound and units named in a body
outside it count as unknown (422). Units and members come from org's events (tracked.py),
never from org's tables.
"""

from __future__ import annotations

from eventkit.errors import NotFound
from eventkit.nameko_ext import EventSourcing, FeedMixin, command, jsonable
from eventkit.validation import Scope
from services.activities import queries as q
from services.activities.contract.events import registry
from services.activities.projections import projector
from services.activities.rpc.activities import ActivitiesRpc
from services.activities.rpc.guidance import GuidanceRpc
from services.activities.rpc.meetings import MeetingsRpc
from services.activities.rpc.plans import PlansRpc
from services.activities.tracked import TRACKED


class ActivitiesService(ActivitiesRpc, PlansRpc, GuidanceRpc, MeetingsRpc, FeedMixin):
    # tables keyed by a person, for their copy (GET /people/{id}/export)
    personal_records = (("member", "known_members", "id"),
                        ("wechat_groups", "wechat_groups", "admin_member_id"))
    name = "activities"
    es = EventSourcing("activities", registry, projector, tracked=TRACKED)

    # -- facts learnt from org -------------------------------------------------------------
    @command
    def known_cooperative(self, coop_id: str) -> dict:
        coop = self.es.read(lambda cur: q.known_cooperative(cur, coop_id))
        if coop is None:
            raise NotFound(f"cooperative {coop_id} not known to activities")
        return coop

    @command
    def known_unit(self, unit_id: str, scope: Scope = None) -> dict:
        return jsonable(self.es.read(lambda cur: q.known_unit(cur, unit_id, scope)))


