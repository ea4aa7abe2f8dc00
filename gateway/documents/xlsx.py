"""XLSX sheets (openpyxl): the roster and the year statistics, with a title row."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

THIN = Side(style="thin")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula is quoted (CSV/XLSX injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def sheet(title: str, subtitle: str, columns: Sequence[str],
          rows: Sequence[Sequence[Any]], sheet_name: str) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = sheet_name[:31]
    width = max(len(columns), 1)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(name="方正小标宋简体", size=18)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([subtitle])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws["A2"].alignment = Alignment(horizontal="center")
    ws.append(list(columns))
    for cell in ws[3]:
        cell.font = Font(name="黑体", bold=True)
        cell.border = GRID
    for row in rows:
        ws.append([_safe(v) for v in row])
        for cell in ws[ws.max_row]:
            cell.border = GRID
            cell.font = Font(name="仿宋_GB2312")
    for i, name in enumerate(columns, 1):
        longest = max([len(str(name))] + [len(str(r[i - 1])) for r in rows if len(r) >= i])
        ws.column_dimensions[get_column_letter(i)].width = min(max(6, longest * 2 + 2), 40)
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
