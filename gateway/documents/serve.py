"""Answering a document route: compose or reload, render in the asked format, issue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from marshmallow import Schema, fields

from eventkit import clock
from gateway.documents import docx, numbering, pdf, sealing
from gateway.documents.kinds import KINDS, Kind, compose
from gateway.documents.model import Document
from gateway.router import Reply, Request

MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
Context = Callable[[], dict[str, Any]]


class IssuedOut(Schema):
    kind = fields.Str(required=True)
    resource_type = fields.Str(required=True)
    resource_id = fields.Str(required=True)
    issuer = fields.Str(required=True)
    year = fields.Int(required=True)
    sequence = fields.Int(required=True)
    number = fields.Str(required=True, metadata={"description": "e.g. 莱团发〔2026〕3号"})
    issued_on = fields.Str(required=True)
    issued_by = fields.Str(required=True)
    text_hash = fields.Str(required=True, metadata={"description": "SHA-256 of the text"})


def today() -> dt.date:
    return clock.today()


def render(doc: Document, fmt: str) -> bytes:
    if fmt == "pdf":
        return pdf.render(doc)
    if fmt == "docx":
        return docx.render(doc)
    raise ValueError(fmt)


def file_reply(payload: bytes, fmt: str, filename: str,
               extra: dict[str, str] | None = None) -> Reply:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    headers = {
        "Content-Disposition": f"attachment; filename=\"{ascii_name}.{fmt}\"; "
                               f"filename*=UTF-8''{quote(filename)}.{fmt}",
        "Cache-Control": "no-store",  # personal data and drafts: never kept by a proxy
        **(extra or {}),
    }
    return Reply(payload, 200, headers, content_type=MIME[fmt])


def document(req: Request, kind: Kind, resource_id: str, context: Context,
             day: dt.date | None = None) -> Document:
    """The issued document as issued, else today's composition (a draft if official)."""
    if kind.official:
        issued = numbering.lookup(req.pool, kind.name, resource_id)
        if issued is not None:
            context()  # the caller may still see the resource (and its step is reached)
            return Document.from_dict(issued["document"])
    return compose(kind, context(), day=day or today())


def download(req: Request, kind_name: str, resource_id: str, fmt: str, context: Context,
             day: dt.date | None = None, filename: str | None = None) -> Reply:
    kind = KINDS[kind_name]
    doc = document(req, kind, resource_id, context, day)
    headers = {"X-Text-Hash": doc.digest()}
    if doc.number:
        headers["X-Document-Number"] = quote(doc.number)
    name = filename or doc.title
    if doc.draft:
        name += "（草稿）"
    return file_reply(render(doc, fmt), fmt, name, headers)


def issue(req: Request, kind_name: str, resource_id: str, context: Context,
          location: str) -> Reply:
    kind = KINDS[kind_name]
    ctx = context()  # 404 outside scope, 409 before the step: before a number is taken
    day = today()
    record, new = numbering.issue(
        req.pool, kind=kind.name, resource_type=kind.resource_type, resource_id=resource_id,
        issuer=kind.issuer or "", actor=req.principal.actor, today=day,
        compose=lambda number: compose(kind, ctx, day=day, number=number),
        metadata={"correlation_id": req.correlation_id, "command_id": req.command_id},
        people=sealing.people_of(ctx))
    body = {k: v for k, v in record.items() if k not in ("document", "people")}
    return Reply(body, 201 if new else 200, {"Location": location})
