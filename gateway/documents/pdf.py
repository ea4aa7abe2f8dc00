"""PDF in the GB/T 9704-2012 layout (reportlab, CJK fonts embedded as subsets).

Measures come from `layout`: A4, 版心 156 x 225 mm at 37 mm from the top and 28 mm from the
left, 22 lines of 28 characters in 3号 (16 pt); title in 2号 (22 pt). Official documents get
the 版头 (red issuing-body mark, number, red separator) and the 版记 (抄送, 印发机关和日期) at
the foot of the last page; forms get a plain title. Page numbers in 4号, odd pages right,
even pages left. A draft carries a 草稿 watermark and no number.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from gateway.documents import fonts
from gateway.documents import layout as L
from gateway.documents.model import Block, Document

LEFT = L.LEFT_MM * L.MM
WIDTH = L.TYPE_W_MM * L.MM
TOP = L.TOP_MM * L.MM
BOTTOM = (L.TOP_MM + L.TYPE_H_MM) * L.MM  # from the page top
PAGE_H = A4[1]
ASCENT = 0.86  # baseline below a line's top, as a fraction of the size
# characters a line must not start with (避头): they stay on the line before
NO_START = set("，。、；：？！）》」』”’％,.;:?!)]%")
# numbers and Latin words are not broken across lines
TOKENS = re.compile(r"[0-9A-Za-z.,%:/+\-]+|.", re.S)
CHAR_SPACE = L.CHAR_PITCH_PT - L.BODY_PT  # 28 characters of 16 pt across 156 mm


def wrap(text: str, font: str, size: float, width: float, first_indent: float = 0.0,
         char_space: float = 0.0) -> list[str]:
    """Lines of `text` no wider than `width` (the first one `first_indent` narrower)."""
    def measure(piece: str) -> float:
        return sum(stringWidth(ch, font, size) + char_space for ch in piece)

    lines: list[str] = []
    line: list[str] = []
    used, limit = 0.0, width - first_indent
    for token in TOKENS.findall(text):
        # a run longer than a line is broken anywhere
        for piece in (list(token) if measure(token) > width else [token]):
            advance = measure(piece)
            if line and used + advance > limit + 0.01:
                carried: list[str] = []
                if piece[0] in NO_START and len(line) > 1:
                    carried = [line.pop()]  # 避头: the character before goes down with it
                lines.append("".join(line))
                line, limit = carried, width
                used = sum(measure(p) for p in line)
            line.append(piece)
            used += advance
    if line or not lines:
        lines.append("".join(line))
    return lines


class Writer:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.out = io.BytesIO()
        self.c = Canvas(self.out, pagesize=A4, pageCompression=1, invariant=1)
        self.c.setTitle(doc.title)
        self.c.setAuthor(doc.signature or "")
        self.c.setCreator("CoopLeague")
        self.page = 1
        self.y = TOP  # the top of the next line, from the page top

    # -- primitives ------------------------------------------------------------------
    def text_at(self, text: str, x: float, top: float, role: str, size: float,
                color: tuple[float, float, float] = (0, 0, 0), char_space: float = 0.0,
                bold: bool = False, scale: float = 100.0) -> None:
        t = self.c.beginText()
        t.setTextOrigin(x, PAGE_H - top - size * ASCENT)
        t.setFont(fonts.face(role), size)
        t.setFillColorRGB(*color)
        t.setCharSpace(char_space)
        t.setHorizScale(scale)
        if bold:  # 小标宋-style weight from a regular face: fill and a thin stroke
            t.setTextRenderMode(2)
            self.c.setStrokeColorRGB(*color)
            self.c.setLineWidth(size * 0.025)
        t.textLine(text)
        self.c.drawText(t)

    def width(self, text: str, role: str, size: float, char_space: float = 0.0) -> float:
        return stringWidth(text, fonts.face(role), size) + char_space * len(text)

    def rule(self, top: float, width: float, color: tuple[float, float, float] = (0, 0, 0),
             x: float = LEFT, length: float = WIDTH) -> None:
        self.c.setStrokeColorRGB(*color)
        self.c.setLineWidth(width)
        self.c.line(x, PAGE_H - top, x + length, PAGE_H - top)

    def ensure(self, height: float) -> None:
        if self.y + height > BOTTOM + 0.01:
            self.new_page()

    def new_page(self) -> None:
        self.finish_page()
        self.c.showPage()
        self.page += 1
        self.y = TOP

    def finish_page(self) -> None:
        if self.doc.draft:
            self.c.saveState()
            self.c.setFillColorRGB(0.85, 0.85, 0.85)
            self.c.setFont(fonts.face("hei"), 120)
            self.c.translate(A4[0] / 2, PAGE_H / 2)
            self.c.rotate(35)
            self.c.drawCentredString(0, -40, "草稿")
            self.c.restoreState()
        number = f"— {self.page} —"
        w = self.width(number, "song", L.NOTE_PT)
        x = LEFT + WIDTH - w - L.NOTE_PT if self.page % 2 else LEFT + L.NOTE_PT
        self.text_at(number, x, BOTTOM + 7 * L.MM, "song", L.NOTE_PT)

    # -- text --------------------------------------------------------------------------
    def lines(self, text: str, role: str = "song", size: float = L.BODY_PT,
              align: str = "left", first_indent: float = 0.0, pitch: float = L.LINE_PITCH_PT,
              color: tuple[float, float, float] = (0, 0, 0), bold: bool = False,
              right_indent: float = 0.0) -> None:
        space = CHAR_SPACE if size == L.BODY_PT else 0.0
        font = fonts.face(role)
        for i, line in enumerate(wrap(text, font, size, WIDTH - right_indent,
                                      first_indent, space)):
            self.ensure(size)
            w = self.width(line, role, size, space)
            if align == "center":
                x = LEFT + (WIDTH - w) / 2
            elif align == "right":
                x = LEFT + WIDTH - right_indent - w
            else:
                x = LEFT + (first_indent if i == 0 else 0.0)
            self.text_at(line, x, self.y, role, size, color, space, bold)
            self.y += pitch

    def blank(self, n: float = 1) -> None:
        self.y += L.LINE_PITCH_PT * n

    def block(self, block: Block) -> None:
        indent = 2 * L.CHAR_PITCH_PT
        if block.kind == "h1":
            self.lines(block.text, "hei", first_indent=indent)
        elif block.kind == "h2":
            self.lines(block.text, "kai", first_indent=indent)
        elif block.kind == "p":
            self.lines(block.text, "song", first_indent=indent)
        elif block.kind in ("left", "center"):
            self.lines(block.text, "song", align=block.kind)
        elif block.kind in ("right", "sign"):
            self.lines(block.text, "song", align="right", right_indent=indent)
        elif block.kind == "table":
            self.table(block.rows or [])

    # -- tables (forms) ----------------------------------------------------------------
    def table(self, rows: list[list[str]]) -> None:
        if not rows:
            return
        ncols = max(len(r) for r in rows)
        # 小4号 for a narrow table, 5号 or 小5号 when many columns share the 156 mm
        size = L.TABLE_PT if ncols <= 6 else (10.5 if ncols <= 8 else 9.0)
        pad = 3.0
        pitch = size * 1.5
        rows = [r + [""] * (ncols - len(r)) for r in rows]
        natural = [max(self.width(r[i], "song", size) for r in rows) + 2 * pad
                   for i in range(ncols)]
        least = 2 * size + 2 * pad  # two characters
        if sum(natural) <= WIDTH:  # everything fits: spread the spare width evenly
            widths = [n + (WIDTH - sum(natural)) / ncols for n in natural]
        else:  # shrink the wide columns, never below two characters
            fixed = [n for n in natural if n <= least]
            wide_total = sum(n for n in natural if n > least)
            room = WIDTH - sum(fixed)
            widths = [n if n <= least else max(least, n * room / wide_total) for n in natural]
            widths = [w * WIDTH / sum(widths) for w in widths]
        header = rows[0]
        self.c.setLineWidth(0.6)
        for index, row in enumerate(rows):
            cells = [wrap(cell, fonts.face("song"), size, w - 2 * pad)
                     for cell, w in zip(row, widths, strict=True)]
            height = max(len(c) for c in cells) * pitch + 2 * pad
            if self.y + height > BOTTOM + 0.01:
                self.new_page()
                if index > 0:
                    self._row([wrap(c, fonts.face("song"), size, w - 2 * pad)
                               for c, w in zip(header, widths, strict=True)], widths, pitch,
                              pad, size, bold=True)
            self._row(cells, widths, pitch, pad, size, bold=index == 0)
        self.y += L.LINE_PITCH_PT * 0.5

    def _row(self, cells: list[list[str]], widths: list[float], pitch: float, pad: float,
             size: float, bold: bool) -> None:
        height = max(len(c) for c in cells) * pitch + 2 * pad
        x = LEFT
        self.c.setStrokeColorRGB(0, 0, 0)
        self.c.setLineWidth(0.6)
        for lines, w in zip(cells, widths, strict=True):
            self.c.rect(x, PAGE_H - self.y - height, w, height, stroke=1, fill=0)
            for i, line in enumerate(lines):
                self.text_at(line, x + pad, self.y + pad + i * pitch + (pitch - size) / 2,
                             "hei" if bold else "song", size)
            x += w
        self.y += height


def _head(w: Writer, doc: Document) -> None:
    """版头: the red mark, the number (and 签发人 of an upward document), the red line."""
    mark = doc.mark or ""
    size = 36.0
    natural = w.width(mark, "song", size)
    scale = min(100.0, 100.0 * WIDTH / natural) if natural else 100.0
    w.y = TOP + (L.MARK_TOP_UPWARD_MM if doc.upward else L.MARK_TOP_DOWNWARD_MM) * L.MM
    x = LEFT + (WIDTH - natural * scale / 100) / 2
    w.text_at(mark, x, w.y, "song", size, L.RED, bold=True, scale=scale)
    w.y += size + 2 * L.LINE_PITCH_PT
    number = doc.number or "草稿（未编号）"
    indent = L.CHAR_PITCH_PT
    if doc.upward:
        w.text_at(number, LEFT + indent, w.y, "song", L.BODY_PT, char_space=CHAR_SPACE)
        signer = f"签发人：{doc.signer or ''}"
        sw = w.width(signer, "song", L.BODY_PT, CHAR_SPACE)
        w.text_at(signer, LEFT + WIDTH - indent - sw, w.y, "song", L.BODY_PT,
                  char_space=CHAR_SPACE)
    else:
        nw = w.width(number, "song", L.BODY_PT, CHAR_SPACE)
        w.text_at(number, LEFT + (WIDTH - nw) / 2, w.y, "song", L.BODY_PT,
                  char_space=CHAR_SPACE)
    w.y += L.BODY_PT + L.RULE_BELOW_NUMBER_MM * L.MM
    w.rule(w.y, 1.5, L.RED)
    w.y += 2 * L.LINE_PITCH_PT - L.BODY_PT


def _record(w: Writer, doc: Document) -> None:
    """版记 at the foot of the last page: 抄送 and 印发机关、印发日期 between rules."""
    pitch = L.NOTE_PT * 2
    indent = L.NOTE_PT
    lines = wrap(f"抄送：{doc.copy_to}。", fonts.face("song"), L.NOTE_PT,
                 WIDTH - 2 * indent) if doc.copy_to else []
    lines.append("")  # the 印发 line
    height = pitch * len(lines) + 2
    if w.y + height > BOTTOM:
        w.new_page()
    top = BOTTOM - height
    w.rule(top, 1.0)
    for i, line in enumerate(lines[:-1]):
        w.text_at(line, LEFT + indent, top + i * pitch + (pitch - L.NOTE_PT) / 2, "song",
                  L.NOTE_PT)
    if len(lines) > 1:
        w.rule(top + (len(lines) - 1) * pitch, 0.5)
    y = top + (len(lines) - 1) * pitch + (pitch - L.NOTE_PT) / 2
    w.text_at(doc.printed_by or "", LEFT + indent, y, "song", L.NOTE_PT)
    stamp = f"{doc.printed_on or ''}印发"
    sw = w.width(stamp, "song", L.NOTE_PT)
    w.text_at(stamp, LEFT + WIDTH - indent - sw, y, "song", L.NOTE_PT)
    w.rule(BOTTOM, 1.0)


def render(doc: Document) -> bytes:
    w = Writer(doc)
    if doc.official:
        _head(w, doc)
    else:
        w.y = TOP
    if doc.draft and not doc.official:
        w.text_at("草稿", LEFT, TOP - 12 * L.MM, "hei", L.BODY_PT, L.RED)
    w.lines(doc.title, "song", L.TITLE_PT, align="center", pitch=L.TITLE_PT * 1.5, bold=True)
    if doc.subtitle:
        w.lines(doc.subtitle, "kai", L.BODY_PT, align="center")
    w.blank(0.5 if not doc.official else 1)
    if doc.addressee:
        w.lines(f"{doc.addressee}：", "song")
    for block in doc.blocks:
        w.block(block)
    _closing(w, doc)
    if doc.official and (doc.copy_to or doc.printed_by):
        _record(w, doc)
    w.finish_page()
    w.c.save()
    return w.out.getvalue()


def _closing(w: Writer, doc: Document) -> None:
    indent = 2 * L.CHAR_PITCH_PT
    if doc.attachments:
        w.blank()
        for i, name in enumerate(doc.attachments, 1):
            label = "附件：" if i == 1 else "　　　"
            w.lines(f"{label}{i}.{name}", "song", first_indent=indent)
    if doc.signature or doc.date:
        w.blank(2)
        w.ensure(2 * L.LINE_PITCH_PT)
        for text in _nonempty((doc.signature, doc.date)):
            w.lines(text, "song", align="right", right_indent=indent)


def _nonempty(items: Iterable[str | None]) -> list[str]:
    return [i for i in items if i]
