"""A commitment letter belongs to the appointment (issue 12 part 5): taking a post on the
working committee (secretary, deputy secretary, committee member) opens the person's
commitment letter for that term. The term's letter is a letter of the person for the year of
the appointment or a later one; once `letter_notice_days` (policy) have passed since the
appointment, a person without a published one is listed: `missing` (no letter at all) or
`unpublished` (drafted or submitted, not yet published for public notice).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PUBLISHED_STATUSES = ("published", "in_progress", "assessed")
MISSING = "missing"
UNPUBLISHED = "unpublished"
LETTER_STATES: tuple[str, ...] = (MISSING, UNPUBLISHED)


@dataclass(frozen=True)
class Post:
    committee_id: str
    person_id: str
    name: str
    role: str
    appointed_on: dt.date


@dataclass(frozen=True)
class LetterState:
    letter_id: str
    year: int
    status: str


def letters_owed(posts: Iterable[Post], letters: Mapping[str, Sequence[LetterState]],
                 today: dt.date, notice_days: int) -> list[dict[str, Any]]:
    """Each person in post whose term's letter is missing or unpublished after the notice
    period; one entry per person (their earliest post in force), ordered by due date."""
    first: dict[str, Post] = {}
    for post in posts:
        held = first.get(post.person_id)
        if held is None or post.appointed_on < held.appointed_on:
            first[post.person_id] = post
    out = []
    for post in first.values():
        due_on = post.appointed_on + dt.timedelta(days=notice_days)
        if today <= due_on:
            continue
        term = [x for x in letters.get(post.person_id, ()) if x.year >= post.appointed_on.year]
        if any(x.status in PUBLISHED_STATUSES for x in term):
            continue
        latest = max(term, key=lambda x: (x.year, x.letter_id), default=None)
        out.append({
            "committee_id": post.committee_id, "member_id": post.person_id,
            "member_name": post.name, "role": post.role,
            "appointed_on": post.appointed_on.isoformat(), "term_year": post.appointed_on.year,
            "due_on": due_on.isoformat(), "state": UNPUBLISHED if latest else MISSING,
            "letter_id": latest.letter_id if latest else None,
            "letter_status": latest.status if latest else None,
            "days_overdue": (today - due_on).days,
        })
    return sorted(out, key=lambda x: (x["due_on"], x["member_id"]))
