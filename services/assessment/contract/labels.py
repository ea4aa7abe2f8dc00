"""The assessment service's enums with their zh-CN and English labels: enum name -> code ->
(zh-CN, en). The gateway serves them at `GET /api/v1/vocabularies` (gateway/vocabulary.py)
and labels exports and documents with them; the Chinese words are the official ones of
/shared/GLOSSARY.md. `tests/unit/test_vocabulary.py` checks that every code the service
accepts has both labels."""

from __future__ import annotations

Labels = dict[str, tuple[str, str]]

LABELS: dict[str, Labels] = {
    "commitment_categories": {
        "common": ("共性承诺", "Common commitment"),
        "post": ("岗位承诺", "Post commitment"),
        "practical_deeds": ("实事承诺", "Practical deeds"),
        "self_discipline": ("自律承诺", "Self-discipline"),
    },
    "letter_statuses": {
        "drafted": ("草拟", "Drafted"),
        "submitted": ("已提交", "Submitted"),
        "published": ("公示中", "Published"),
        "in_progress": ("履诺中", "In progress"),
        "assessed": ("已考核", "Assessed"),
    },
    "comment_statuses": {
        "pending": ("待审核", "Pending"),
        "accepted": ("已采纳", "Accepted"),
        "rejected": ("未采纳", "Rejected"),
    },
    "round_statuses": {
        "open": ("进行中", "Open"),
        "closed": ("已截止", "Closed"),
        "graded": ("已评定", "Graded"),
    },
    "grades": {
        "excellent": ("优秀", "Excellent"),
        "competent": ("称职", "Competent"),
        "basically_competent": ("基本称职", "Basically competent"),
        "incompetent": ("不称职", "Incompetent"),
    },
    "recommendation_kinds": {
        "party_membership": ("推优入党", "Party membership"),
        "league_award": ("团内表彰", "League award"),
        "training": ("培训推荐", "Training"),
    },
    "recommendation_outcomes": {
        "accepted": ("已采纳", "Accepted"),
        "declined": ("未采纳", "Declined"),
        "pending": ("待定", "Pending"),
    },
    "recommendation_priorities": {
        "excellent_first": ("优先推荐（最近一轮评定优秀）", "Excellent in the latest round: first"),
        "regular": ("一般推荐", "Regular"),
    },
    "recommendation_statuses": {
        "proposed": ("已提名", "Proposed"),
        "voted": ("已表决", "Voted"),
        "submitted": ("已上报", "Submitted"),
        "decided": ("已决定", "Decided"),
    },
}
