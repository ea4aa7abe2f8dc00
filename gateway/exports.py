"""CSV and XLSX exports of the services' lists, paged through their list RPCs, in scope.

Each export names the list RPC that serves it (`<service>.<method>(filters, limit, cursor,
scope)`, the convention of every list) and the policy action needed to read it; the route
`GET /api/v1/exports/<name>.csv|.xlsx` uses that action, so the policy table decides who may
export what. Rows are the list's items as the service returns them (personal fields already
masked there; masked again here in case a list forgets), nested values flattened: lists
joined with "; ", objects as JSON. CSV cells that a spreadsheet would run as a formula are
prefixed with a quote (CSV injection).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from eventkit import config
from gateway.feed import mask
from gateway.problems import Problem

CSV_TYPE = "text/csv"  # werkzeug adds "; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = 500


@dataclass(frozen=True)
class Export:
    name: str
    title: str
    service: str
    method: str
    action: str
    filters: tuple[tuple[str, Any], ...] = ()


# name -> where its rows come from
EXPORTS: dict[str, Export] = {e.name: e for e in (
    Export("members", "League members and young people (roster)", "org", "list_members",
           "members.read"),
    Export("cooperatives", "Cooperatives", "org", "list_cooperatives", "cooperatives.read"),
    Export("activities", "Activities", "activities", "list_activities", "activities.read"),
    Export("funds", "Funds per unit (balances, income by source)", "funding", "list_funds",
           "funds.read"),
    Export("credit", "Credit grants", "funding", "list_grants", "credit.read"),
    Export("assessment-results", "Assessment results", "assessment", "list_results",
           "assessments.read"),
)}


def rows(rpc: Any, export: Export, scope: list[str] | None) -> Iterator[dict[str, Any]]:
    limit = config.env_int("EXPORT_MAX_ROWS", 50_000)
    cursor = None
    count = 0
    caller = getattr(rpc, export.service)
    while True:
        page = getattr(caller, export.method)(dict(export.filters), PAGE, cursor, scope)
        for item in page.get("items") or []:
            count += 1
            if count > limit:
                raise Problem(413, f"the export has more than {limit} rows; "
                                   "ask the platform's operators for a bulk extract")
            yield mask(item)
        cursor = page.get("next_cursor")
        if not cursor:
            return


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            return "; ".join("" if v is None else str(v) for v in value)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def table(items: Iterator[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Columns (first appearance order over every row) and the rows' cells."""
    columns: list[str] = []
    seen: set[str] = set()
    materialised = []
    for item in items:
        for key in item:
            if key not in seen:
                seen.add(key)
                columns.append(key)
        materialised.append(item)
    return columns, [[_cell(item.get(c)) for c in columns] for item in materialised]


def _safe_text(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(columns: list[str], data: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in data:
        writer.writerow([_safe_text(v) for v in row])
    # a BOM so that spreadsheet programs read the Chinese text as UTF-8
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, columns: list[str], data: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "export")
    sheet.append(columns)
    for row in data:
        sheet.append([_safe_text(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
