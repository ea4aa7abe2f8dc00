"""Checks on rendered documents shared by the renderer and the end-to-end tests: the text
(poppler's pdftotext), the GB/T 9704-2012 measures (pdfplumber) and python-docx."""

from __future__ import annotations

import io
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pdfplumber
from docx import Document as open_docx

from gateway.documents import layout as L

TOLERANCE_MM = 1.0


def mm(points: float) -> float:
    return points / L.MM


def pdf_text(payload: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(payload)
        fh.flush()
        out = subprocess.run(["pdftotext", "-layout", fh.name, "-"], check=True,
                             capture_output=True)
    return out.stdout.decode("utf-8")


def flat(text: str) -> str:
    """pdftotext's text without the line breaks and spaces layout puts in."""
    return "".join(text.split())


def docx_text(payload: bytes) -> str:
    doc = open_docx(io.BytesIO(payload))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    parts += [p.text for s in doc.sections for p in s.header.paragraphs]
    return "".join("".join(parts).split())


def docx_layout(payload: bytes) -> dict[str, Any]:
    doc = open_docx(io.BytesIO(payload))
    s = doc.sections[0]
    return {"page": (s.page_width.mm, s.page_height.mm), "top": s.top_margin.mm,
            "left": s.left_margin.mm, "right": s.right_margin.mm, "bottom": s.bottom_margin.mm,
            "fonts": {r.font.name for p in doc.paragraphs for r in p.runs},
            "sizes": {r.font.size.pt for p in doc.paragraphs for r in p.runs if r.font.size},
            "red_runs": [r.text for p in doc.paragraphs for r in p.runs
                         if r.font.color is not None and r.font.color.rgb is not None
                         and str(r.font.color.rgb).upper().startswith("E6")]}


def pdf_layout(payload: bytes) -> dict[str, Any]:
    """Measures of page one (and the top of page two) in millimetres."""
    with pdfplumber.open(io.BytesIO(payload)) as pdf:
        pages = pdf.pages
        first = pages[0]
        chars = first.chars
        red = [c for c in chars if _is_red(c.get("non_stroking_color"))]
        red_lines = [ln for ln in first.lines + first.rects
                     if _is_red(ln.get("stroking_color"))]
        body = [c for c in chars if round(c["size"]) == 16 and c["text"].strip()]
        page_bottom = mm(first.height) - L.BOTTOM_MM
        in_type_area = [c for c in chars if mm(c["top"]) < page_bottom - 0.1]
        second_top = None
        if len(pages) > 1:
            tops = [mm(c["top"]) for c in pages[1].chars if c["text"].strip()
                    and c["size"] < 60]  # not the draft watermark
            tops += [mm(r["top"]) for r in pages[1].rects]  # a table's top edge
            second_top = min(tops) if tops else None
        return {
            "pages": len(pages),
            "size": (mm(first.width), mm(first.height)),
            "sizes": sorted({round(c["size"], 1) for c in chars}),
            "red_text": "".join(c["text"] for c in red),
            "red_top": min((mm(c["top"]) for c in red), default=None),
            "red_rule": [(mm(ln["x0"]), mm(ln["x1"]), mm(ln["top"])) for ln in red_lines],
            "left": min(mm(c["x0"]) for c in in_type_area),
            "right": max(mm(c["x1"]) for page in pages for c in page.chars
                         if c["size"] < 60),
            "top": min(mm(c["top"]) for c in in_type_area),
            "bottom": max(mm(c["bottom"]) for c in in_type_area),
            "body_left": min((mm(c["x0"]) for c in body), default=None),
            "table_left": min((mm(r["x0"]) for r in first.rects), default=None),
            "table_right": max((mm(r["x1"]) for r in first.rects), default=None),
            "title_chars": "".join(c["text"] for c in chars if round(c["size"]) == 22),
            "second_page_top": second_top,
        }


def _is_red(color: Any) -> bool:
    if not isinstance(color, tuple | list) or len(color) != 3:
        return False
    r, g, b = (float(x) for x in color)
    return r > 0.8 and g < 0.2 and b < 0.2


def assert_gbt9704(measures: dict[str, Any], official: bool) -> None:
    """A4, the type area inside its margins (1 mm), title 22 pt, body 16 pt, red mark/rule."""
    w, h = measures["size"]
    assert abs(w - 210) < 0.5 and abs(h - 297) < 0.5, measures["size"]
    assert measures["left"] >= L.LEFT_MM - TOLERANCE_MM, measures
    assert measures["right"] <= L.LEFT_MM + L.TYPE_W_MM + TOLERANCE_MM, measures
    assert measures["top"] >= L.TOP_MM - TOLERANCE_MM, measures
    assert measures["bottom"] <= L.TOP_MM + L.TYPE_H_MM + TOLERANCE_MM, measures
    assert 22.0 in measures["sizes"] and 16.0 in measures["sizes"], measures["sizes"]
    assert measures["title_chars"]
    if measures["body_left"] is not None and official:  # the addressee is flush left
        assert abs(measures["body_left"] - L.LEFT_MM) <= TOLERANCE_MM, measures
    if measures["table_left"] is not None:  # tables span the type area
        assert abs(measures["table_left"] - L.LEFT_MM) <= TOLERANCE_MM, measures
        assert abs(measures["table_right"] - L.LEFT_MM - L.TYPE_W_MM) <= TOLERANCE_MM
    if measures["second_page_top"] is not None:
        assert abs(measures["second_page_top"] - L.TOP_MM) <= TOLERANCE_MM, measures
    if official:
        assert measures["red_text"], "the issuing-body mark is red"
        (x0, x1, _), *_ = measures["red_rule"]
        assert abs(x0 - L.LEFT_MM) <= TOLERANCE_MM and abs(x1 - x0 - L.TYPE_W_MM) <= 1, (x0, x1)


def save_png(payload: bytes, name: str) -> Path:
    """Page one as PNG under the test instance's var/ (VAR) for a human look."""
    folder = Path(os.environ.get("VAR") or Path(__file__).resolve().parents[2] / "var" / "test")
    folder = folder / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / f"{name}.pdf"
    pdf.write_bytes(payload)
    subprocess.run(["pdftoppm", "-png", "-r", "72", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(folder / name)], check=True, capture_output=True)
    return folder / f"{name}.png"
