"""GET /api/v1/exports/<list>.csv and .xlsx: every list, masked, in the caller's scope.

`?lang=zh-CN` (the default) gives Chinese column headers and Chinese labels for the enum
columns (gateway/vocabulary.py); `?lang=en` keeps the fields' codes as headers and values,
for integrators whose parsers read the codes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import Schema, fields, validate

from gateway import exports, vocabulary
from gateway.router import Reply, Request, route

# export -> column -> the vocabulary its codes come from
VALUE_LABELS: dict[str, dict[str, str]] = {
    "members": {"kind": "member_kinds", "status": "member_statuses", "sex": "sexes",
                "roles": "member_roles"},
    "cooperatives": {},
    "activities": {"kind": "activity_kinds", "status": "activity_statuses"},
    "funds": {},
    "credit": {"guarantee": "guarantees"},
    "assessment-results": {"grade": "grades"},
}


class ExportQuery(Schema):
    lang = fields.Str(load_default="zh-CN", validate=validate.OneOf(["zh-CN", "en"]),
                      metadata={"description": "zh-CN: Chinese headers and labels; en: codes"})


def _table(req: Request, export: exports.Export) -> tuple[list[str], list[list[Any]]]:
    columns, data = exports.table(exports.rows(req.rpc, export, req.scope()))
    lang = req.query.get("lang", "zh-CN")
    if lang == "en":
        return columns, data
    zh = vocabulary.labels("zh-CN")
    for index, column in enumerate(columns):
        names = zh.get(VALUE_LABELS.get(export.name, {}).get(column, ""))
        if not names:
            continue
        for row in data:
            cell = row[index]
            if isinstance(cell, str) and cell:
                row[index] = "; ".join(names.get(part, part) for part in cell.split("; "))
    return [vocabulary.header(c, lang) for c in columns], data


def _register(export: exports.Export) -> None:
    def download_csv(req: Request) -> Reply:
        columns, data = _table(req, export)
        return _reply(exports.to_csv(columns, data), export, "csv", exports.CSV_TYPE)

    def download_xlsx(req: Request) -> Reply:
        columns, data = _table(req, export)
        return _reply(exports.to_xlsx(export.name, columns, data), export, "xlsx",
                      exports.XLSX_TYPE)

    for fn, ext, mime in ((download_csv, "csv", exports.CSV_TYPE),
                          (download_xlsx, "xlsx", exports.XLSX_TYPE)):
        fn.__name__ = f"export_{export.name}_{ext}"
        route("GET", f"/exports/{export.name}.{ext}", action=export.action, tag="exports",
              summary=f"{export.title} as {ext.upper()} (masked, in scope)",
              query=ExportQuery, content_type=mime)(fn)


def _reply(payload: bytes, export: exports.Export, ext: str, mime: str) -> Reply:
    stamp = dt.date.today().isoformat()
    return Reply(payload, 200, {
        "Content-Disposition": f'attachment; filename="{export.name}-{stamp}.{ext}"',
    }, content_type=mime)


for _export in exports.EXPORTS.values():
    _register(_export)
