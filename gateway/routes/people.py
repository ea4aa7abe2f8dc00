"""Personal information (PIPL): a person's copy across the services, and their erasure."""

from __future__ import annotations

from marshmallow import Schema, fields

from gateway import people
from gateway.router import Reply, Request, route
from services.org.contract import schemas


class PersonCopyOut(Schema):
    person_id = fields.Str(required=True)
    generated_at = fields.Str(required=True)
    services = fields.Dict(keys=fields.Str(), values=fields.Dict(), required=True,
                           metadata={"description": "per service: key state, records, events"})


@route("POST", "/people/{id}/erasure", action="people.erase", tag="people",
       summary="Erase a person's personal data in every service (删除个人信息)",
       body=schemas.ErasureIn, response=schemas.ErasureOut, responses=(404, 422))
def erase(req: Request) -> dict:
    return req.rpc.org.erase_person(req.params["id"], req.body, req.command_id)


@route("GET", "/people/{id}/export", action="people.export", tag="people",
       summary="Everything held about one person, per service (个人信息副本)",
       response=PersonCopyOut)
def export_json(req: Request) -> dict:
    return people.collect(req.rpc, req.params["id"])


@route("GET", "/people/{id}/export.html", action="people.export", tag="people",
       summary="A person's copy as a readable page (print to PDF)", content_type="text/html")
def export_html(req: Request) -> Reply:
    page = people.render_html(people.collect(req.rpc, req.params["id"]))
    return Reply(page, 200, {"Content-Disposition": 'inline; filename="personal-copy.html"'},
                 content_type="text/html")


class RetentionQuery(Schema):
    as_of = fields.Date(metadata={"description": "list what would be due on this day"})


class RetentionPerson(Schema):
    person_id = fields.Str(required=True)
    status = fields.Str(required=True)
    status_since = fields.Str(required=True)
    due_on = fields.Str(required=True)


class RetentionOut(Schema):
    as_of = fields.Str(required=True)
    dry_run = fields.Bool(required=True)
    retention_years = fields.Dict(keys=fields.Str(), values=fields.Int(), required=True)
    people = fields.List(fields.Nested(RetentionPerson), required=True)


@route("GET", "/people/retention", action="people.erase", tag="people",
       summary="Dry run: former members past their retention period (保存期满名单)",
       query=RetentionQuery, response=RetentionOut, responses=(422,))
def retention_dry_run(req: Request) -> dict:
    as_of = req.query.get("as_of")
    return req.rpc.org.retention_run(True, as_of.isoformat() if as_of else None)


@route("POST", "/people/retention-runs", action="people.erase", tag="people",
       summary="Erase now what the daily retention job would erase today",
       response=RetentionOut)
def retention_run(req: Request) -> dict:
    return req.rpc.org.retention_run(False, None)
