"""The document kinds: what each is, who issues it, and how a document is composed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from gateway import vocabulary
from gateway.documents import settings, template
from gateway.documents.model import Document, chinese_date


@dataclass(frozen=True)
class Kind:
    name: str  # the route's file name and the template's: request -> templates/request.txt
    label: str  # zh-CN
    resource_type: str  # committee, assessment_result, ...
    official: bool = False  # numbered, GB/T 9704 版头 and 版记
    issuer: str | None = None  # settings.ISSUERS key of an official document
    upward: bool = False  # 上行文
    formats: tuple[str, ...] = ("docx", "pdf")


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("survey-report", "调研摸底报告", "committee"),
    Kind("plan", "工作方案", "committee"),
    Kind("request", "请示", "committee", True, "working_committee", upward=True),
    Kind("approval", "批复", "committee", True, "county_league_committee"),
    Kind("conference-notice", "成立大会通知", "committee", True, "working_committee"),
    Kind("establishment-notice", "关于成立团工委的通知", "committee", True,
         "county_league_committee"),
    Kind("commitment-letter", "工作目标承诺书", "commitment_letter"),
    Kind("results-notice", "考核结果通报", "assessment_result", True, "working_committee"),
    Kind("recommendation", "推优推荐表和团员大会表决记录", "recommendation"),
    Kind("roster", "团员花名册", "unit", formats=("xlsx", "pdf")),
    Kind("minutes", "会议记录", "meeting"),
    Kind("year-statistics", "年度统计表", "committee", formats=("xlsx", "pdf")),
)}


def zh(enum: str, code: Any) -> str:
    """The Chinese label of an API code (the code itself when the vocabulary lacks it)."""
    if code is None:
        return ""
    entry = vocabulary.VOCABULARIES.get(enum, {}).get(str(code))
    return entry[0] if entry else str(code)


def compose(kind: Kind, context: dict[str, Any], *, day: dt.date,
            number: str | None = None) -> Document:
    """The kind's template filled with `context`; an official one without a number is a
    draft (草稿). `day` is the 成文日期 (the issue date, or the step's date for a form)."""
    names = settings.names()
    front, blocks = template.render(kind.name, {**context, "org": names,
                                                "date": chinese_date(day)})
    doc = Document(kind=kind.name, title=front.get("title") or kind.label, blocks=blocks,
                   subtitle=front.get("subtitle"), addressee=front.get("addressee"),
                   attachments=front["attachments"], signature=front.get("signature"),
                   date=chinese_date(day) if front.get("signature") else None)
    if kind.official and kind.issuer:
        issuer = settings.issuer(kind.issuer)
        doc.official = True
        doc.upward = kind.upward
        doc.mark = issuer["mark"]
        doc.number = number
        doc.draft = number is None
        doc.signer = context.get("signer") if kind.upward else None
        doc.copy_to = names.get("copy_to")
        doc.printed_by = (names.get("printed_by") or {}).get(kind.issuer, issuer["name"])
        doc.printed_on = chinese_date(day)
    return doc
