"""A person's copy (PIPL Art. 45): what every service holds about one person, as JSON and as
a readable HTML page for the admin to hand over (print to PDF from the browser)."""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

from deploy.services import SERVICES

SERVICE_LABELS = {"org": "组织与团员 (org)", "activities": "活动与会议 (activities)",
                  "funding": "经费、团费与信贷 (funding)", "assessment": "考核 (assessment)"}


def collect(rpc: Any, person_id: str) -> dict[str, Any]:
    services = {svc: getattr(rpc, svc).person_export(person_id) for svc in SERVICES}
    return {"person_id": person_id,
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "services": services}


def _value(value: Any) -> str:
    if isinstance(value, dict | list):
        return html.escape(json.dumps(value, ensure_ascii=False))
    return html.escape("" if value is None else str(value))


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p>无</p>"
    columns = list(dict.fromkeys(k for r in rows for k in r))
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_value(r.get(c))}</td>" for c in columns)
                   + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def render_html(copy: dict[str, Any]) -> str:
    parts = [
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
        f"<title>个人信息副本 {html.escape(copy['person_id'])}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
        "margin-bottom:1em}td,th{border:1px solid #999;padding:2px 6px;font-size:12px;"
        "vertical-align:top}</style></head><body>",
        "<h1>个人信息副本（《个人信息保护法》第四十五条）</h1>",
        f"<p>对象编号：{html.escape(copy['person_id'])}；生成时间：{html.escape(copy['generated_at'])}"
        "。“已删除”表示该项信息已按第四十七条删除。</p>",
    ]
    for svc, part in copy["services"].items():
        parts.append(f"<h2>{html.escape(SERVICE_LABELS.get(svc, svc))}</h2>")
        key = part.get("key")
        if key:
            state = (f"已删除（{_value(key['erased_at'])}，理由：{_value(key['erased_reason'])}）"
                     if key["erased"] else f"有效（创建于 {_value(key['created_at'])}）")
            parts.append(f"<p>个人数据密钥：{state}</p>")
        for label, rows in part.get("records", {}).items():
            parts.append(f"<h3>记录：{html.escape(label)}</h3>{_table(rows)}")
        events = [{"时间": e["occurred_at"], "事件": e["type"], "流": e["stream_id"],
                   "内容": e["data"]} for e in part.get("events", [])]
        parts.append(f"<h3>事件（{len(events)}）</h3>{_table(events)}")
    parts.append("</body></html>")
    return "".join(parts)
