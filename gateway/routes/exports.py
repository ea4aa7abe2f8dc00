"""GET /api/v1/exports/<list>.csv and .xlsx: every list, masked, in the caller's scope."""

from __future__ import annotations

import datetime as dt

from gateway import exports
from gateway.router import Reply, Request, route


def _register(export: exports.Export) -> None:
    def download_csv(req: Request) -> Reply:
        columns, data = exports.table(exports.rows(req.rpc, export, req.scope()))
        return _reply(exports.to_csv(columns, data), export, "csv", exports.CSV_TYPE)

    def download_xlsx(req: Request) -> Reply:
        columns, data = exports.table(exports.rows(req.rpc, export, req.scope()))
        return _reply(exports.to_xlsx(export.name, columns, data), export, "xlsx",
                      exports.XLSX_TYPE)

    for fn, ext, mime in ((download_csv, "csv", exports.CSV_TYPE),
                          (download_xlsx, "xlsx", exports.XLSX_TYPE)):
        fn.__name__ = f"export_{export.name}_{ext}"
        route("GET", f"/exports/{export.name}.{ext}", action=export.action, tag="exports",
              summary=f"{export.title} as {ext.upper()} (masked, in scope)",
              content_type=mime)(fn)


def _reply(payload: bytes, export: exports.Export, ext: str, mime: str) -> Reply:
    stamp = dt.date.today().isoformat()
    return Reply(payload, 200, {
        "Content-Disposition": f'attachment; filename="{export.name}-{stamp}.{ext}"',
    }, content_type=mime)


for _export in exports.EXPORTS.values():
    _register(_export)
