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
