"""A document as the renderers see it: front matter and blocks, with one canonical text.

The canonical text (every word a reader sees, in order) is what the hash of an issued
document covers; an issued document is stored as `to_dict()` and rendered again from it, so a
second download has the same text and number whatever changed in the data since.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

# block kinds: h1 (黑体 heading), h2 (楷体 heading), p (body paragraph, first line indented
# two characters), left (no indent), right (flush right), center, table (rows of cells;
# the first row is the header), sign (signature lines: flush right, no indent)
BLOCK_KINDS = ("h1", "h2", "p", "left", "right", "center", "table", "sign")


@dataclass
class Block:
    kind: str
    text: str = ""
    rows: list[list[str]] | None = None

    def words(self) -> list[str]:
        if self.kind == "table":
            return [" | ".join(row) for row in self.rows or []]
        return [self.text]


@dataclass
class Document:
    kind: str  # request, approval, ... (the route's name)
    title: str
    blocks: list[Block]
    official: bool = False  # GB/T 9704 版头 (mark, number, red line) and 版记
    upward: bool = False  # 上行文 (请示): the mark lower, 签发人 beside the number
    mark: str | None = None  # 发文机关标志 (red)
    number: str | None = None  # 发文字号, None while a draft
    draft: bool = False
    signer: str | None = None  # 签发人 of an upward document
    addressee: str | None = None  # 主送机关
    attachments: list[str] = field(default_factory=list)
    signature: str | None = None  # 发文机关署名
    date: str | None = None  # 成文日期, "2026年11月30日"
    copy_to: str | None = None  # 抄送
    printed_by: str | None = None  # 印发机关
    printed_on: str | None = None  # 印发日期
    subtitle: str | None = None  # e.g. the form's unit and date line

    def lines(self) -> list[str]:
        """Every text a reader sees, in reading order."""
        out: list[str] = []
        if self.draft:
            out.append("草稿")
        out += [t for t in (self.mark, self.number) if t]
        if self.signer:
            out.append(f"签发人：{self.signer}")
        out.append(self.title)
        if self.subtitle:
            out.append(self.subtitle)
        if self.addressee:
            out.append(f"{self.addressee}：")
        for block in self.blocks:
            out += block.words()
        for i, name in enumerate(self.attachments, 1):
            out.append(f"附件{i}：{name}")
        out += [t for t in (self.signature, self.date) if t]
        if self.copy_to:
            out.append(f"抄送：{self.copy_to}。")
        if self.printed_by:
            out.append(f"{self.printed_by} {self.printed_on or ''}印发".strip())
        return out

    def text(self) -> str:
        return "\n".join(self.lines())

    def digest(self) -> str:
        return hashlib.sha256(self.text().encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        blocks = [Block(**b) for b in data.get("blocks") or []]
        return cls(**{**data, "blocks": blocks})


def chinese_date(day: dt.date | str) -> str:
    """成文日期 in Arabic numerals (GB/T 9704-2012 7.3.5.1): 2026年3月5日."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    return f"{day.year}年{day.month}月{day.day}日"
