"""Working committees: establishment steps, leadership, departments."""

from __future__ import annotations

from typing import Any

from eventkit import pagination
from eventkit.errors import NotFound
from eventkit.nameko_ext import command
from eventkit.validation import load
from services.org import handlers
from services.org import list_queries as lq
from services.org import queries as q
from services.org.contract import schemas
from services.org.rpc.common import STEPS


class CommitteesRpc:
    es: Any

    # -- committees ------------------------------------------------------------------
    @command
    def create_committee(self, payload: dict, command_id: str | None = None) -> dict:
        cmd = load(schemas.CommitteeIn, payload)
        cmd["on"] = self._day(cmd["on"])
        result = self._run(handlers.create_committee, cmd, command_id)
        return self.get_committee(result["id"])

    @command
    def get_committee(self, committee_id: str, scope: list[str] | None = None) -> dict:
        """A committee is in scope when its root unit (same id) is: a token scoped to a branch
        does not see the county's committee and leadership."""
        committee = None
        if scope is None or committee_id in scope:
            committee = self.es.read(lambda cur: q.load_committee(cur, committee_id))
        if committee is None:
            raise NotFound(f"committee {committee_id} not found")
        return committee

    @command
    def list_committees(self, limit: int = 50, cursor: str | None = None,
                        scope: list[str] | None = None) -> dict:
        limit = pagination.clamp_limit(limit)
        after = pagination.decode(cursor)
        return pagination.page(self.es.read(lambda cur: lq.committees(cur, after, limit, scope)),
                               limit)

    def _committee_command(self, handler: Any, cmd: dict, command_id: str | None,
                           scope: list[str] | None) -> dict:
        self._run(handler, cmd, command_id, scope)
        return self.get_committee(cmd["committee_id"])

    @command
    def committee_step(self, committee_id: str, step: str, payload: dict,
                       command_id: str | None = None, scope: list[str] | None = None) -> dict:
        if step not in STEPS:
            raise NotFound(f"no establishment step {step}")
        data = load(STEPS[step](), payload)
        data["on"] = self._day(data["on"])
        for key in ("meeting_date",):
            if data.get(key) is not None:
                data[key] = self._day(data[key], key)
        return self._committee_command(
            handlers.committee_step,
            {"committee_id": committee_id, "step": step, "data": data}, command_id, scope)

    @command
    def add_member_unit(self, committee_id: str, payload: dict, command_id: str | None = None,
                        scope: list[str] | None = None) -> dict:
        cmd = {**load(schemas.MemberUnitIn, payload), "committee_id": committee_id}
        return self._committee_command(handlers.add_member_unit, cmd, command_id, scope)

    @command
    def remove_member_unit(self, committee_id: str, member_unit_id: str,
                           command_id: str | None = None, scope: list[str] | None = None
                           ) -> dict:
        cmd = {"committee_id": committee_id, "member_unit_id": member_unit_id}
        return self._committee_command(handlers.remove_member_unit, cmd, command_id, scope)

    @command
    def appoint(self, committee_id: str, post: str, payload: dict,
                command_id: str | None = None, scope: list[str] | None = None) -> dict:
        schema = {"secretary": schemas.SecretaryIn,
                  "deputy_secretary": schemas.DeputySecretaryIn,
                  "committee_member": schemas.CommitteeMemberIn}.get(post)
        if schema is None:
            raise NotFound(f"no leadership post {post}")
        data = load(schema, payload)
        data["on"] = self._day(data["on"])
        cmd = {"committee_id": committee_id, "post": post, "data": data}
        return self._committee_command(handlers.appoint, cmd, command_id, scope)

    @command
    def remove_leader(self, committee_id: str, payload: dict, command_id: str | None = None,
                      scope: list[str] | None = None) -> dict:
        cmd = {**load(schemas.RemovalIn, payload), "committee_id": committee_id}
        cmd["on"] = self._day(cmd["on"])
        return self._committee_command(handlers.remove_leader, cmd, command_id, scope)
