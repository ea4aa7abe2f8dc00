"""Printable result letter of one member: a Jinja2 template with autoescaping.

An adapter outside the domain: the domain computes the result (`RoundGraded.results`), this
module only lays it out. Every supplied text is escaped by the template engine, so no
hand-written escaping can be forgotten; the wording lives in `templates/result_letter.html`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from services.assessment.contract.labels import LABELS

# The letter is an official document of the county office: in Chinese (GLOSSARY.md's words).
GRADE_LABELS = {code: zh for code, (zh, _en) in LABELS["grades"].items()}
NOT_ASSESSED = "未评定"
COMPONENT_LABELS = {"self": "个人自评", "peer": "委员互评", "unit": "成员单位评议",
                    "public": "群众评议"}

FLAG_LABELS = {
    "meetings_below_ratio": "召开会议次数低于应召开会议的规定比例",
    "no_activity": "全年未组织开展活动",
}

_COMPONENTS = (
    ("self_mean", "self_count", "个人自评"),
    ("peer_mean", "peer_count", "委员互评"),
    ("unit_mean", "unit_count", "成员单位评议"),
    ("public_mean", "public_count", "群众评议"),
)

_env = Environment(
    loader=PackageLoader("services.assessment", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100:,}.{abs(fen) % 100:02d}"


def render_result_letter(
    *,
    result: Mapping[str, Any],
    member_name: str,
    committee_name: str,
    unit_name: str,
    year: int,
    issued_on: dt.date,
    evidence: Mapping[str, Any] | None = None,
) -> str:
    """`result` is one entry of `RoundGraded.results` (as in `AssessmentRound.results`);
    `evidence` one entry of `RoundClosed.evidence`."""
    grade = result.get("grade")
    facts = None
    if evidence is not None:
        facts = {
            "meetings_held": evidence.get("meetings_held", 0),
            "meetings_due": evidence.get("meetings_due", 0),
            "activities_organized": evidence.get("activities_organized", 0),
            "young_people_reached": evidence.get("young_people_reached", 0),
            "funds_raised": _yuan(int(evidence.get("funds_raised_fen", 0))),
            "credit_facilitated": _yuan(int(evidence.get("credit_facilitated_fen", 0))),
        }
    return _env.get_template("result_letter.html").render(
        year=year,
        member_name=member_name,
        committee_name=committee_name,
        unit_name=unit_name,
        components=[{"label": label, "mean": result.get(mean_key),
                     "count": result.get(count_key, 0)}
                    for mean_key, count_key, label in _COMPONENTS],
        adjustment=int(result.get("adjustment", 0)),
        final=result.get("final"),
        grade_text=GRADE_LABELS.get(grade, NOT_ASSESSED) if grade else NOT_ASSESSED,
        capped_by_quota=bool(result.get("capped_by_quota")),
        excellent_rank=result.get("excellent_rank"),
        missing=[COMPONENT_LABELS.get(m, m) for m in result.get("missing") or []],
        flags=[FLAG_LABELS.get(f, f) for f in result.get("flags", [])],
        evidence=facts,
        issued_on=f"{issued_on.year}年{issued_on.month}月{issued_on.day}日",
    )
