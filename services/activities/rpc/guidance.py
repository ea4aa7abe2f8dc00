"""Supervision visits and WeChat groups (the channels of guidance)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventkit import pagination
from eventkit.errors import InvalidInput, NotFound
from eventkit.nameko_ext import command
from eventkit.uow import Tx
from eventkit.validation import Scope, load
from services.activities import handlers
from services.activities import queries as q
from services.activities import queries_guidance as qg
from services.activities.contract import schemas
from services.activities.domain.supervision import FollowUp, SupervisionVisit
from services.activities.rpc.common import _new_id


def _run(rpc: Any, handler: Callable[..., dict], cmd: dict, command_id: str | None,
         scope: Scope) -> dict:
    ctx = handlers.Context(facts=lambda tx: qg.SqlFacts(tx.cur), scope=scope)
    return rpc.es.run(lambda tx: handler(tx, cmd, ctx), command_id)  # type: ignore[no-any-return]


class GuidanceRpc:
    es: Any

    # -- supervision visits ----------------------------------------------------------------
    @command
    def record_supervision_visit(self, payload: dict, command_id: str | None = None,
                                 scope: Scope = None) -> dict:
        fields = load(schemas.SupervisionVisitIn(), payload)

        def handle(tx: Tx) -> dict:
            rows = q.known_units(tx.cur, scope, [fields["unit_id"]])
            if not rows:
                raise InvalidInput.field("unit_id", f"unknown unit: {fields['unit_id']}")
            visit = tx.add(SupervisionVisit(_new_id()))
            assert isinstance(visit, SupervisionVisit)
            actions = [FollowUp(_new_id(), a["description"], a["due_on"])
                       for a in fields["actions"]]
            visit.record(visitor=fields["visitor"], unit_id=fields["unit_id"],
                         visited_on=fields["visited_on"], findings=fields["findings"],
                         today=q.today(), actions=actions)
            return {"id": visit.id}

        result = self.es.run(handle, command_id)
        return self.get_supervision_visit(result["id"])

    @command
    def add_supervision_action(self, visit_id: str, payload: dict,
                               command_id: str | None = None, scope: Scope = None) -> dict:
        fields = load(schemas.FollowUpIn(), payload)

        def handle(tx: Tx) -> dict:
            qg.visit_row(tx.cur, visit_id, scope)
            visit = tx.get(SupervisionVisit, visit_id, "supervision visit")
            visit.add_action(FollowUp(_new_id(), fields["description"], fields["due_on"]))
            return {"id": visit_id}

        self.es.run(handle, command_id)
        return self.get_supervision_visit(visit_id)

    @command
    def close_supervision_action(self, visit_id: str, action_id: str, payload: dict,
                                 command_id: str | None = None, scope: Scope = None) -> dict:
        fields = load(schemas.CloseActionIn(), payload)

        def handle(tx: Tx) -> dict:
            qg.visit_row(tx.cur, visit_id, scope)
            visit = tx.get(SupervisionVisit, visit_id, "supervision visit")
            if action_id not in visit.actions:
                raise NotFound(f"action {action_id} not found")
            today = q.today()
            visit.close_action(action_id, closed_on=fields["closed_on"] or today,
                               note=fields["note"], today=today)
            return {"id": visit_id}

        self.es.run(handle, command_id)
        return self.get_supervision_visit(visit_id)

    @command
    def get_supervision_visit(self, visit_id: str, scope: Scope = None) -> dict:
        return self.es.read(lambda cur: qg.visit_dicts(
            cur, [qg.visit_row(cur, visit_id, scope)], q.today())[0])

    @command
    def list_supervision_visits(self, filters: dict | None = None, limit: int = 50,
                                cursor: str | None = None, scope: Scope = None) -> dict:
        limit = pagination.clamp_limit(limit)
        return self.es.read(lambda cur: qg.list_visits(cur, filters or {}, limit, cursor, scope,
                                                      q.today()))

    # -- WeChat groups ---------------------------------------------------------------------
    @command
    def register_wechat_group(self, payload: dict, command_id: str | None = None,
                              scope: Scope = None) -> dict:
        result = _run(self, handlers.register_wechat_group,
                      load(schemas.WeChatGroupIn(), payload), command_id, scope)
        return self.get_wechat_group(result["id"])

    @command
    def edit_wechat_group(self, group_id: str, payload: dict, command_id: str | None = None,
                          scope: Scope = None) -> dict:
        fields = load(schemas.WeChatGroupEdit(), payload)
        if not fields:
            raise InvalidInput("nothing to change", {"errors": {"_": ["nothing to change"]}})
        if "admin_member_id" in fields and "admin_name" not in fields:
            raise InvalidInput.field("admin_name", "is required with admin_member_id")

        _run(self, handlers.edit_wechat_group, {**fields, "group_id": group_id}, command_id,
             scope)
        return self.get_wechat_group(group_id)

    @command
    def report_wechat_member_count(self, group_id: str, payload: dict,
                                   command_id: str | None = None, scope: Scope = None) -> dict:
        cmd = {**load(schemas.MemberCountIn(), payload), "group_id": group_id}
        _run(self, handlers.report_wechat_member_count, cmd, command_id, scope)
        return self.get_wechat_group(group_id)

    @command
    def close_wechat_group(self, group_id: str, payload: dict, command_id: str | None = None,
                           scope: Scope = None) -> dict:
        cmd = {**load(schemas.CloseGroupIn(), payload), "group_id": group_id}
        _run(self, handlers.close_wechat_group, cmd, command_id, scope)
        return self.get_wechat_group(group_id)

    @command
    def get_wechat_group(self, group_id: str, scope: Scope = None) -> dict:
        return self.es.read(lambda cur: qg.group_row(cur, group_id, scope))

    @command
    def list_wechat_groups(self, filters: dict | None = None, limit: int = 50,
                           cursor: str | None = None, scope: Scope = None) -> dict:
        limit = pagination.clamp_limit(limit)
        return self.es.read(lambda cur: qg.list_groups(cur, filters or {}, limit, cursor, scope))
