"""The League tree (org service): units, their changes, time travel, rosters and counts."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from gateway.problems import Problem
from gateway.router import Reply, Request, route
from gateway.routes.common import PageQuery
from services.org.contract import enums, schemas

_ID = validate.Length(min=1, max=64)
_TEXT = validate.Length(min=1, max=100)


class UnitListQuery(PageQuery):
    kind = fields.Str(validate=validate.OneOf(enums.UNIT_KINDS))
    status = fields.Str(validate=validate.OneOf(enums.UNIT_STATUSES))
    parent_id = fields.Str(validate=_ID)
    committee_id = fields.Str(validate=_ID)
    professional_committee_id = fields.Str(validate=_ID)
    cooperative_id = fields.Str(validate=_ID)
    township = fields.Str(validate=_TEXT)
    industry = fields.Str(validate=_TEXT)
    management = fields.Str(validate=validate.OneOf(enums.MANAGEMENTS))


class TreeQuery(Schema):
    as_of = fields.Date(metadata={"description": "the tree at the end of this day (default"
                                                 " today)"})


class RosterQuery(PageQuery):
    descendants = fields.Bool(load_default=False,
                              metadata={"description": "include the units below"})
    status = fields.Str(validate=validate.OneOf(enums.MEMBER_STATUSES))
    kind = fields.Str(validate=validate.OneOf(enums.MEMBER_KINDS))


class CountsQuery(Schema):
    descendants = fields.Bool(load_default=True)


@route("POST", "/units", action="units.write", tag="units",
       summary="Create a unit under a parent (the working committee comes with its committee)",
       body=schemas.UnitIn, response=schemas.UnitOut, status=201, responses=(409, 422))
def create(req: Request) -> Reply:
    unit = req.rpc.org.create_unit(req.body, req.command_id, req.scope())
    return Reply(unit, 201, {"Location": f"/api/v1/units/{unit['id']}"})


@route("GET", "/units", action="units.read", tag="units", summary="List units",
       query=UnitListQuery, response=schemas.UnitOut, many=True)
def list_(req: Request) -> dict:
    q = dict(req.query)
    limit, cursor = q.pop("limit"), q.pop("cursor")
    return req.rpc.org.list_units(q, limit, cursor, req.scope())


class ElectionsOverdueOut(Schema):
    items = fields.List(fields.Nested(schemas.ElectionOverdueOut), required=True)
    default_term_years = fields.Int(required=True)


@route("GET", "/units/elections-overdue", action="units.read", tag="units",
       summary="Branches whose committee term ended without an election (逾期未换届)",
       response=ElectionsOverdueOut)
def elections_overdue(req: Request) -> dict:
    return req.rpc.org.list_elections_overdue(req.scope())


@route("GET", "/units/{id}", action="units.read", tag="units",
       summary="A unit, with member counts and size warnings", response=schemas.UnitOut,
       responses=(404,))
def get(req: Request) -> dict:
    return req.rpc.org.get_unit(req.params["id"], req.scope())


def _change(rpc_method: str, name: str):
    def handler(req: Request) -> dict:
        return getattr(req.rpc.org, rpc_method)(req.params["id"], req.body, req.command_id,
                                                req.scope())

    handler.__name__ = name
    return handler


for _path, _method, _schema, _summary in (
    ("rename", "rename_unit", schemas.RenameIn, "Rename a unit"),
    ("move", "move_unit", schemas.MoveIn, "Move a unit under another parent"),
    ("merge", "merge_unit", schemas.MergeIn,
     "Merge a unit into another: its members and children move to the target"),
    ("dissolve", "dissolve_unit", schemas.DissolveIn, "Dissolve an empty unit, with a reason"),
    ("coverage", "change_unit_coverage", schemas.CoverageIn,
     "Replace the cooperatives a unit covers"),
    ("management", "change_unit_management", schemas.ManagementIn,
     "Managed directly or by a township League organization"),
    ("group-functions", "set_unit_group_functions", schemas.GroupFunctionsIn,
     "Set a League group's functions"),
    ("elections", "elect_unit_committee", schemas.ElectionIn,
     "A branch elects its committee (换届); the term is 1-2 years (default 2)"),
):
    route("POST", f"/units/{{id}}/{_path}", action="units.write", tag="units", summary=_summary,
          body=_schema, response=schemas.UnitOut, responses=(404, 409, 422))(
        _change(_method, _path.replace("-", "_")))


@route("GET", "/units/{id}/tree", action="units.read", tag="units",
       summary="The subtree as it stood on a date, rebuilt from the events (time travel)",
       query=TreeQuery, response=schemas.TreeOut, responses=(404,))
def tree(req: Request) -> dict:
    as_of = req.query.get("as_of")
    return req.rpc.org.unit_tree(req.params["id"], as_of.isoformat() if as_of else None,
                                 req.scope())


@route("GET", "/units/{id}/members", action="members.read", tag="units",
       summary="The unit's roster (with ?descendants=true the units below too)",
       query=RosterQuery, response=schemas.MemberOut, many=True, responses=(404,))
def roster(req: Request) -> dict:
    q = dict(req.query)
    limit, cursor = q.pop("limit"), q.pop("cursor")
    q["unit_id"] = req.params["id"]
    return req.rpc.org.list_members(q, limit, cursor, req.scope())


@route("GET", "/units/{id}/member-counts", action="members.read", tag="units",
       summary="Members of the unit (and below, by default) by status and kind",
       query=CountsQuery, response=schemas.CountsOut, responses=(404,))
def counts(req: Request) -> dict:
    return req.rpc.org.member_counts(req.params["id"], req.query["descendants"], req.scope())


@route("POST", "/units/{id}/evaluations", action="members.write", tag="units",
       summary="The branch's annual member evaluation (团员教育评议): grades, at most 30% "
               "excellent; basically qualified or better re-register (团籍注册)",
       body=schemas.EvaluationIn, response=schemas.EvaluationOut, status=201,
       responses=(404, 409, 422))
def record_evaluation(req: Request) -> Reply:
    body = req.rpc.org.record_evaluation(req.params["id"], req.body, req.command_id,
                                         req.scope())
    return Reply(body, 201, {"Location": f"/api/v1/units/{req.params['id']}/evaluations/"
                                        f"{body['year']}"})


@route("GET", "/units/{id}/evaluations/{year}", action="members.read", tag="units",
       summary="A branch's evaluation of a year, with each member's registration",
       response=schemas.EvaluationOut, responses=(404,),
       params={"year": {"type": "integer", "minimum": 2000, "maximum": 2100}})
def get_evaluation(req: Request) -> dict:
    try:
        year = int(req.params["year"])
    except ValueError:
        raise Problem(404, "no such year") from None
    return req.rpc.org.get_evaluation(req.params["id"], year, req.scope())
