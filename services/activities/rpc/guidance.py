"""Supervision visits and WeChat groups (the channels of guidance)."""

from __future__ import annotations

from typing import Any

from eventkit import pagination
from eventkit.errors import InvalidInput, NotFound
from eventkit.nameko_ext import command
from eventkit.uow import Tx
from eventkit.validation import Scope, load
from services.activities import queries as q
from services.activities.contract import schemas
from services.activities.domain.channel import WeChatGroup
from services.activities.domain.supervision import FollowUp, SupervisionVisit
from services.activities.rpc.common import _new_id


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
            q.visit_row(tx.cur, visit_id, scope)
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
            q.visit_row(tx.cur, visit_id, scope)
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
        return self.es.read(lambda cur: q.visit_dicts(
            cur, [q.visit_row(cur, visit_id, scope)], q.today())[0])

    @command
    def list_supervision_visits(self, filters: dict | None = None, limit: int = 50,
                                cursor: str | None = None, scope: Scope = None) -> dict:
        limit = pagination.clamp_limit(limit)
        return self.es.read(lambda cur: q.list_visits(cur, filters or {}, limit, cursor, scope,
                                                      q.today()))

    # -- WeChat groups ---------------------------------------------------------------------
    @command
    def register_wechat_group(self, payload: dict, command_id: str | None = None,
                              scope: Scope = None) -> dict:
        fields = load(schemas.WeChatGroupIn(), payload)

        def handle(tx: Tx) -> dict:
            q.require_active_unit(tx.cur, "unit_id", fields["unit_id"], scope)
            group = tx.add(WeChatGroup(_new_id()))
            assert isinstance(group, WeChatGroup)
            group.register(**{**fields, "as_of": fields["as_of"] or q.today()})
            return {"id": group.id}

        result = self.es.run(handle, command_id)
        return self.get_wechat_group(result["id"])

    @command
    def edit_wechat_group(self, group_id: str, payload: dict, command_id: str | None = None,
                          scope: Scope = None) -> dict:
        fields = load(schemas.WeChatGroupEdit(), payload)
        if not fields:
            raise InvalidInput("nothing to change", {"errors": {"_": ["nothing to change"]}})
        if "admin_member_id" in fields and "admin_name" not in fields:
            raise InvalidInput.field("admin_name", "is required with admin_member_id")

        def handle(tx: Tx) -> dict:
            q.group_row(tx.cur, group_id, scope)
            group = tx.get(WeChatGroup, group_id, "WeChat group")
            if "name" in fields:
                group.rename(name=fields["name"])
            if "admin_name" in fields:
                group.change_admin(admin_name=fields["admin_name"],
                                   admin_member_id=fields.get("admin_member_id"))
            return {"id": group_id}

        self.es.run(handle, command_id)
        return self.get_wechat_group(group_id)

    @command
    def report_wechat_member_count(self, group_id: str, payload: dict,
                                   command_id: str | None = None, scope: Scope = None) -> dict:
        fields = load(schemas.MemberCountIn(), payload)

        def handle(tx: Tx) -> dict:
            q.group_row(tx.cur, group_id, scope)
            tx.get(WeChatGroup, group_id, "WeChat group").report_member_count(
                member_count=fields["member_count"], as_of=fields["as_of"] or q.today())
            return {"id": group_id}

        self.es.run(handle, command_id)
        return self.get_wechat_group(group_id)

    @command
    def close_wechat_group(self, group_id: str, payload: dict, command_id: str | None = None,
                           scope: Scope = None) -> dict:
        fields = load(schemas.CloseGroupIn(), payload)

        def handle(tx: Tx) -> dict:
            q.group_row(tx.cur, group_id, scope)
            tx.get(WeChatGroup, group_id, "WeChat group").close(
                closed_on=fields["closed_on"] or q.today(), reason=fields["reason"])
            return {"id": group_id}

        self.es.run(handle, command_id)
        return self.get_wechat_group(group_id)

    @command
    def get_wechat_group(self, group_id: str, scope: Scope = None) -> dict:
        return self.es.read(lambda cur: q.group_row(cur, group_id, scope))

    @command
    def list_wechat_groups(self, filters: dict | None = None, limit: int = 50,
                           cursor: str | None = None, scope: Scope = None) -> dict:
        limit = pagination.clamp_limit(limit)
        return self.es.read(lambda cur: q.list_groups(cur, filters or {}, limit, cursor, scope))
