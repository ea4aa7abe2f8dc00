"""DOCX in the GB/T 9704-2012 layout (python-docx), for an office to print or edit.

The runs name the office fonts (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312) for East Asian
text so Word and WPS show them; the section has the standard's page, margins and a document
grid of 22 lines of 28 characters; the mark is red and the separator a red bottom border.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.section import WD_SECTION_START  # noqa: F401 (python-docx import check)
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from gateway.documents import layout as L
from gateway.documents.model import Block, Document

RED = RGBColor(0xE6, 0x00, 0x00)
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


def _run(paragraph, text: str, role: str = "body", size: float = L.BODY_PT,
         color: RGBColor | None = None, bold: bool = False):
    run = paragraph.add_run(text)
    font_name = L.DOCX_FONTS[role]
    run.font.name = font_name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), font_name)
    return run


def _paragraph(doc, text: str = "", role: str = "body", size: float = L.BODY_PT,
               align: str = "justify", first_indent_chars: float = 0.0,
               color: RGBColor | None = None, right_indent_chars: float = 0.0,
               exact: float | None = L.LINE_PITCH_PT, bold: bool = False):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = ALIGN[align]
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if exact is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(exact)
    if first_indent_chars:
        fmt.first_line_indent = Pt(size * first_indent_chars)
    if right_indent_chars:
        fmt.right_indent = Pt(size * right_indent_chars)
    if text:
        _run(p, text, role, size, color, bold)
    return p


def _border(paragraph, edge: str, color: str, eighths: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    line = OxmlElement(f"w:{edge}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(eighths))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), color)
    borders.append(line)


def _section(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(L.PAGE_W_MM), Mm(L.PAGE_H_MM)
    section.top_margin, section.bottom_margin = Mm(L.TOP_MM), Mm(L.BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(L.LEFT_MM), Mm(L.RIGHT_MM)
    section.footer_distance = Mm(L.BOTTOM_MM - 7 - 5)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(L.LINE_PITCH_PT * 20)))
    grid.set(qn("w:charSpace"), str(round((L.CHAR_PITCH_PT - L.BODY_PT) * 4096)))
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, "— ", "note", L.NOTE_PT)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    footer._p.append(field)
    _run(footer, " —", "note", L.NOTE_PT)
    normal = doc.styles["Normal"]
    normal.font.name = L.DOCX_FONTS["body"]
    normal.font.size = Pt(L.BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"),
                                                            L.DOCX_FONTS["body"])


def _head(doc, d: Document) -> None:
    top = L.MARK_TOP_UPWARD_MM if d.upward else L.MARK_TOP_DOWNWARD_MM
    spacer = _paragraph(doc, exact=None)
    spacer.paragraph_format.space_before = Mm(top - 5)
    _paragraph(doc, d.mark or "", "title", 36, "center", color=RED, exact=None)
    _paragraph(doc)
    _paragraph(doc)
    number = d.number or "草稿（未编号）"
    if d.upward:
        p = _paragraph(doc, align="left", first_indent_chars=1)
        _run(p, number)
        _run(p, "\t签发人：" + (d.signer or ""))
        p.paragraph_format.tab_stops.add_tab_stop(Mm(L.TYPE_W_MM - 40))
    else:
        p = _paragraph(doc, number, align="center")
    _border(p, "bottom", "E60000", 12)
    _paragraph(doc)


def _table(doc, rows: list[list[str]]) -> None:
    ncols = max(len(r) for r in rows)
    table = doc.add_table(rows=0, cols=ncols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, row in enumerate(rows):
        cells = table.add_row().cells
        for cell, text in zip(cells, row + [""] * (ncols - len(row)), strict=True):
            cell.paragraphs[0].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
            _run(cell.paragraphs[0], text, "h1" if index == 0 else "body", L.TABLE_PT)
    _paragraph(doc)


def _block(doc, block: Block) -> None:
    if block.kind == "table":
        _table(doc, block.rows or [])
    elif block.kind == "h1":
        _paragraph(doc, block.text, "h1", first_indent_chars=2)
    elif block.kind == "h2":
        _paragraph(doc, block.text, "h2", first_indent_chars=2)
    elif block.kind == "p":
        _paragraph(doc, block.text, first_indent_chars=2)
    elif block.kind in ("right", "sign"):
        _paragraph(doc, block.text, align="right", right_indent_chars=2)
    else:
        _paragraph(doc, block.text, align=block.kind)


def render(d: Document) -> bytes:
    doc = new_docx()
    _section(doc)
    doc.core_properties.title = d.title
    doc.core_properties.author = d.signature or ""
    if d.draft:
        header = doc.sections[0].header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(header, "草稿", "h1", L.BODY_PT, RED)
    if d.official:
        _head(doc, d)
    _paragraph(doc, d.title, "title", L.TITLE_PT, "center", exact=L.TITLE_PT * 1.5)
    if d.subtitle:
        _paragraph(doc, d.subtitle, "h2", align="center")
    _paragraph(doc)
    if d.addressee:
        _paragraph(doc, f"{d.addressee}：", align="left")
    for block in d.blocks:
        _block(doc, block)
    if d.attachments:
        _paragraph(doc)
        for i, name in enumerate(d.attachments, 1):
            label = "附件：" if i == 1 else "　　　"
            _paragraph(doc, f"{label}{i}.{name}", first_indent_chars=2)
    if d.signature or d.date:
        _paragraph(doc)
        _paragraph(doc)
        for text in (d.signature, d.date):
            if text:
                _paragraph(doc, text, align="right", right_indent_chars=4)
    if d.official and (d.copy_to or d.printed_by):
        _paragraph(doc)
        if d.copy_to:
            p = _paragraph(doc, f"抄送：{d.copy_to}。", "note", L.NOTE_PT, "left",
                           first_indent_chars=1)
            _border(p, "top", "000000", 8)
        p = _paragraph(doc, f"{d.printed_by or ''}\t{d.printed_on or ''}印发", "note",
                       L.NOTE_PT, "left", first_indent_chars=1)
        p.paragraph_format.tab_stops.add_tab_stop(Mm(L.TYPE_W_MM - 5))
        _border(p, "top", "000000", 4)
        _border(p, "bottom", "000000", 8)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
