"""The yearly work menu (工作菜单): items, publication, adoption by units, adoption report."""

from __future__ import annotations

from marshmallow import fields, validate

from gateway.router import Reply, Request, route
from gateway.routes.activities import YEAR, created, page_args
from gateway.routes.common import PageQuery
from services.activities.contract.schemas import (
    AdoptionIn,
    AdoptionReportOut,
    ReasonIn,
    WorkMenuIn,
    WorkMenuItemIn,
    WorkMenuOut,
)


class MenuListQuery(PageQuery):
    year = fields.Int(validate=YEAR)
    status = fields.Str(validate=validate.OneOf(("draft", "published")))


@route("POST", "/work-menus", action="activities.write", tag="work-menus",
       summary="Draft the work menu of a year", body=WorkMenuIn, response=WorkMenuOut,
       status=201, responses=(403, 422))
def draft(req: Request) -> Reply:
    return created(req.rpc.activities.draft_work_menu(req.body, req.command_id,
                                                      scope=req.scope()), "work-menus")


@route("GET", "/work-menus", action="activities.read", tag="work-menus",
       summary="List work menus", query=MenuListQuery, response=WorkMenuOut, many=True)
def list_(req: Request) -> dict:
    filters, limit, cursor = page_args(req)
    return req.rpc.activities.list_work_menus(filters, limit, cursor, scope=req.scope())


@route("GET", "/work-menus/{id}", action="activities.read", tag="work-menus",
       summary="One work menu with its items and adoptions", response=WorkMenuOut,
       responses=(404,))
def get(req: Request) -> dict:
    return req.rpc.activities.get_work_menu(req.params["id"], scope=req.scope())


@route("POST", "/work-menus/{id}/items", action="activities.write", tag="work-menus",
       summary="Add an item to the menu", body=WorkMenuItemIn, response=WorkMenuOut,
       status=201, responses=(403, 404, 409, 422))
def add_item(req: Request) -> Reply:
    menu = req.rpc.activities.add_work_menu_item(req.params["id"], req.body, req.command_id,
                                                 scope=req.scope())
    return Reply(menu, 201, {"Location": f"/api/v1/work-menus/{menu['id']}"})


@route("POST", "/work-menus/{id}/items/{item_id}/withdraw", action="activities.write",
       tag="work-menus", summary="Withdraw an item", body=ReasonIn, response=WorkMenuOut,
       responses=(403, 404, 409, 422))
def withdraw_item(req: Request) -> dict:
    return req.rpc.activities.withdraw_work_menu_item(
        req.params["id"], req.params["item_id"], req.body, req.command_id, scope=req.scope())


@route("POST", "/work-menus/{id}/publish", action="activities.write", tag="work-menus",
       summary="Publish the menu (units may adopt from then on)", response=WorkMenuOut,
       responses=(403, 404, 409))
def publish(req: Request) -> dict:
    return req.rpc.activities.publish_work_menu(req.params["id"], req.command_id,
                                                scope=req.scope())


@route("POST", "/work-menus/{id}/adoptions", action="activities.write", tag="work-menus",
       summary="A unit adopts an item", body=AdoptionIn, response=WorkMenuOut, status=201,
       responses=(404, 409, 422))
def adopt(req: Request) -> Reply:
    menu = req.rpc.activities.adopt_work_menu_item(req.params["id"], req.body, req.command_id,
                                                   scope=req.scope())
    return Reply(menu, 201, {"Location": f"/api/v1/work-menus/{menu['id']}"})


@route("POST", "/work-menus/{id}/adoptions/{unit_id}/{item_id}/drop", action="activities.write",
       tag="work-menus", summary="A unit drops an adopted item", body=ReasonIn,
       response=WorkMenuOut, responses=(404, 409, 422))
def drop(req: Request) -> dict:
    return req.rpc.activities.drop_work_menu_adoption(
        req.params["id"], req.params["unit_id"], req.params["item_id"], req.body,
        req.command_id, scope=req.scope())


@route("GET", "/work-menus/{id}/adoption-report", action="activities.read", tag="work-menus",
       summary="Which units adopted and delivered each item", response=AdoptionReportOut,
       responses=(404,))
def report(req: Request) -> dict:
    return req.rpc.activities.work_menu_adoption_report(req.params["id"], scope=req.scope())
