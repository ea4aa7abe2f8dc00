"""Printable result letter of one member (pure HTML; every supplied text is escaped)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from html import escape
from typing import Any

GRADE_LABELS = {
    "excellent": "Excellent (优秀)",
    "competent": "Competent (称职)",
    "basically_competent": "Basically competent (基本称职)",
    "incompetent": "Incompetent (不称职)",
}

FLAG_LABELS = {
    "meetings_below_ratio": "Meetings held below the required share of meetings due",
    "no_activity": "No activity organized in the year",
}

_COMPONENTS = (
    ("self_mean", "self_count", "Self-assessment"),
    ("peer_mean", "peer_count", "Peer scores (committee members)"),
    ("unit_mean", "unit_count", "Member-unit scores"),
    ("public_mean", "public_count", "Public rating"),
)


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


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
    grade_text = GRADE_LABELS.get(grade, "Not assessed") if grade else "Not assessed"
    rows = []
    for mean_key, count_key, label in _COMPONENTS:
        mean = result.get(mean_key)
        rows.append(
            f"<tr><th scope=\"row\">{_e(label)}</th>"
            f"<td>{_e(mean) if mean is not None else '&mdash;'}</td>"
            f"<td>{_e(result.get(count_key, 0))}</td></tr>"
        )
    notes = []
    if result.get("capped_by_quota"):
        notes.append(
            "<p class=\"note\">The final score reached the excellent threshold; the grade is "
            "competent because of the limit on the share of excellent grades (rank "
            f"{_e(result.get('excellent_rank'))}).</p>"
        )
    if result.get("missing"):
        missing = ", ".join(_e(m) for m in result["missing"])
        notes.append(
            f"<p class=\"note\">No scores for: {missing}; the other weights were rescaled.</p>"
        )
    flags = [f"<li>{_e(FLAG_LABELS.get(f, f))}</li>" for f in result.get("flags", [])]
    evidence_html = ""
    if evidence is not None:
        evidence_html = (
            "<h2>Evidence of the unit(s)</h2><table class=\"evidence\">"
            f"<tr><th scope=\"row\">Meetings held / due</th>"
            f"<td>{_e(evidence.get('meetings_held', 0))} / {_e(evidence.get('meetings_due', 0))}"
            "</td></tr>"
            f"<tr><th scope=\"row\">Activities organized</th>"
            f"<td>{_e(evidence.get('activities_organized', 0))}</td></tr>"
            f"<tr><th scope=\"row\">Young people reached (attendances)</th>"
            f"<td>{_e(evidence.get('young_people_reached', 0))}</td></tr>"
            f"<tr><th scope=\"row\">Funds raised (yuan)</th>"
            f"<td>{_e(_yuan(int(evidence.get('funds_raised_fen', 0))))}</td></tr>"
            f"<tr><th scope=\"row\">Credit facilitated (yuan)</th>"
            f"<td>{_e(_yuan(int(evidence.get('credit_facilitated_fen', 0))))}</td></tr>"
            "</table>"
        )
    flags_html = f"<h2>Flags</h2><ul>{''.join(flags)}</ul>" if flags else ""
    adjustment = int(result.get("adjustment", 0))
    adjustment_html = (
        f"<p>Evidence adjustment: {adjustment:+d} points</p>" if adjustment else ""
    )
    final = result.get("final")
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{_e(year)} assessment result: {_e(member_name)}</title>"
        "<style>body{font-family:serif;max-width:42em;margin:2em auto}"
        "table{border-collapse:collapse}th,td{border:1px solid #444;padding:.3em .6em}"
        ".note{font-style:italic}@media print{body{margin:0}}</style></head><body>"
        f"<h1>{_e(committee_name)}</h1>"
        f"<p>Annual assessment of committee members, {_e(year)}</p>"
        f"<p>To: {_e(unit_name)}</p>"
        f"<p>Member: <strong>{_e(member_name)}</strong></p>"
        "<table class=\"scores\"><tr><th>Component</th><th>Mean</th><th>Scores</th></tr>"
        f"{''.join(rows)}</table>"
        f"{adjustment_html}"
        f"<p>Final score: <strong>{_e(final) if final is not None else '&mdash;'}</strong></p>"
        f"<p>Grade: <strong>{_e(grade_text)}</strong></p>"
        f"{''.join(notes)}{flags_html}{evidence_html}"
        f"<p class=\"issued\">Issued on {_e(issued_on.isoformat())}</p>"
        "</body></html>\n"
    )
