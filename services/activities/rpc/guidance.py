"""Supervision visits and WeChat groups (the channels of guidance)."""

from __future__ import annotations

from eventkit import pagination
from eventkit.errors import InvalidInput
from eventkit.nameko_ext import command
from eventkit.validation import Scope, load
from services.activities import handlers
from services.activities import queries_guidance as qg
from services.activities.contract import schemas
from services.activities.rpc.common import Commands


class GuidanceRpc(Commands):
    # -- supervision visits ----------------------------------------------------------------
    @command
    def record_supervision_visit(self, payload: dict, command_id: str | None = None,
                                 scope: Scope = None) -> dict:
        result = self._run(handlers.record_supervision_visit,
                           load(schemas.SupervisionVisitIn, payload), command_id, scope)
        return self.get_supervision_visit(result["id"])

    @command
    def add_supervision_action(self, visit_id: str, payload: dict,
                               command_id: str | None = None, scope: Scope = None) -> dict:
        cmd = {**load(schemas.FollowUpIn, payload), "visit_id": visit_id}
        self._run(handlers.add_supervision_action, cmd, command_id, scope)
        return self.get_supervision_visit(visit_id)

    @command
    def close_supervision_action(self, visit_id: str, action_id: str, payload: dict,
                                 command_id: str | None = None, scope: Scope = None) -> dict:
        cmd = {**load(schemas.CloseActionIn, payload), "visit_id": visit_id,
               "action_id": action_id}
        self._run(handlers.close_supervision_action, cmd, command_id, scope)
        return self.get_supervision_visit(visit_id)

    @command
    def get_supervision_visit(self, visit_id: str, scope: Scope = None) -> dict:
        return self.es.read(lambda cur: qg.visit_dicts(
            cur, [qg.visit_row(cur, visit_id, scope)], self.clock.today())[0])

    @command
    def list_supervision_visits(self, filters: dict | None = None, limit: int = 50,
                                cursor: str | None = None, scope: Scope = None) -> dict:
        limit = pagination.clamp_limit(limit)
        return self.es.read(lambda cur: qg.list_visits(cur, filters or {}, limit, cursor, scope,
                                                      self.clock.today()))

    # -- WeChat groups ---------------------------------------------------------------------
    @command
    def register_wechat_group(self, payload: dict, command_id: str | None = None,
                              scope: Scope = None) -> dict:
        result = self._run(handlers.register_wechat_group,
                           load(schemas.WeChatGroupIn, payload), command_id, scope)
        return self.get_wechat_group(result["id"])

    @command
    def edit_wechat_group(self, group_id: str, payload: dict, command_id: str | None = None,
                          scope: Scope = None) -> dict:
        fields = load(schemas.WeChatGroupEdit, payload)
        if not fields:
            raise InvalidInput("nothing to change", {"errors": {"_": ["nothing to change"]}})
        if "admin_member_id" in fields and "admin_name" not in fields:
            raise InvalidInput.field("admin_name", "is required with admin_member_id")

        self._run(handlers.edit_wechat_group, {**fields, "group_id": group_id}, command_id,
                  scope)
        return self.get_wechat_group(group_id)

    @command
    def report_wechat_member_count(self, group_id: str, payload: dict,
                                   command_id: str | None = None, scope: Scope = None) -> dict:
        cmd = {**load(schemas.MemberCountIn, payload), "group_id": group_id}
        self._run(handlers.report_wechat_member_count, cmd, command_id, scope)
        return self.get_wechat_group(group_id)

    @command
    def close_wechat_group(self, group_id: str, payload: dict, command_id: str | None = None,
                           scope: Scope = None) -> dict:
        cmd = {**load(schemas.CloseGroupIn, payload), "group_id": group_id}
        self._run(handlers.close_wechat_group, cmd, command_id, scope)
        return self.get_wechat_group(group_id)

    @command
    def get_wechat_group(self, group_id: str, scope: Scope = None) -> dict:
        return self.es.read(lambda cur: qg.group_row(cur, group_id, scope))

    @command
    def list_wechat_groups(self, filters: dict | None = None, limit: int = 50,
                           cursor: str | None = None, scope: Scope = None) -> dict:
        limit = pagination.clamp_limit(limit)
        return self.es.read(lambda cur: qg.list_groups(cur, filters or {}, limit, cursor, scope))
