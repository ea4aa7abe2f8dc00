"""Online channels: a unit's WeChat groups as metadata (name, admin, member count)."""

from __future__ import annotations

from marshmallow import fields, validate

from gateway.router import Reply, Request, route
from gateway.routes.activities import created, page_args
from gateway.routes.common import PageQuery
from services.activities.contract.schemas import (
    CloseGroupIn,
    MemberCountIn,
    WeChatGroupEdit,
    WeChatGroupIn,
    WeChatGroupOut,
)


class GroupListQuery(PageQuery):
    unit_id = fields.Str(validate=validate.Length(max=100))
    status = fields.Str(validate=validate.OneOf(("active", "closed")))


@route("POST", "/wechat-groups", action="activities.write", tag="channels",
       summary="Register a unit's WeChat group", body=WeChatGroupIn, response=WeChatGroupOut,
       status=201, responses=(422,))
def register(req: Request) -> Reply:
    return created(req.rpc.activities.register_wechat_group(req.body, req.command_id,
                                                            scope=req.scope()), "wechat-groups")


@route("GET", "/wechat-groups", action="activities.read", tag="channels",
       summary="List WeChat groups", query=GroupListQuery, response=WeChatGroupOut, many=True)
def list_(req: Request) -> dict:
    filters, limit, cursor = page_args(req)
    return req.rpc.activities.list_wechat_groups(filters, limit, cursor, scope=req.scope())


@route("GET", "/wechat-groups/{id}", action="activities.read", tag="channels",
       summary="One WeChat group", response=WeChatGroupOut, responses=(404,))
def get(req: Request) -> dict:
    return req.rpc.activities.get_wechat_group(req.params["id"], scope=req.scope())


@route("PATCH", "/wechat-groups/{id}", action="activities.write", tag="channels",
       summary="Rename a group or change its admin", body=WeChatGroupEdit,
       response=WeChatGroupOut, responses=(404, 409, 422))
def edit(req: Request) -> dict:
    return req.rpc.activities.edit_wechat_group(req.params["id"], req.body, req.command_id,
                                                scope=req.scope())


@route("POST", "/wechat-groups/{id}/member-count", action="activities.write", tag="channels",
       summary="Report the group's member count", body=MemberCountIn, response=WeChatGroupOut,
       responses=(404, 409, 422))
def member_count(req: Request) -> dict:
    return req.rpc.activities.report_wechat_member_count(req.params["id"], req.body,
                                                         req.command_id, scope=req.scope())


@route("POST", "/wechat-groups/{id}/close", action="activities.write", tag="channels",
       summary="Close a group", body=CloseGroupIn, response=WeChatGroupOut,
       responses=(404, 409, 422))
def close(req: Request) -> dict:
    return req.rpc.activities.close_wechat_group(req.params["id"], req.body, req.command_id,
                                                 scope=req.scope())
