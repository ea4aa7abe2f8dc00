"""What the public and the moderators see of a commitment letter (pure views)."""

from __future__ import annotations

from typing import Any

from eventkit.errors import NotFound
from services.assessment.domain.commitment import (
    ACCEPTED,
    PENDING,
    PUBLIC_STATES,
    CommitmentLetter,
    mask_contact,
)


def _comment_view(comment: dict[str, Any]) -> dict[str, Any]:
    return {
        "comment_id": comment["comment_id"],
        "version": comment["version"],
        "name": comment["name"],
        "contact": mask_contact(comment["contact"]),
        "text": comment["text"],
        "received_at": comment["received_at"],
        "status": comment["status"],
    }


def visible_comments(letter: CommitmentLetter) -> list[dict[str, Any]]:
    """Accepted comments only, oldest first, contacts masked: what the public sees."""
    accepted = [c for c in letter.comments.values() if c["status"] == ACCEPTED]
    accepted.sort(key=lambda c: (c["received_at"], c["comment_id"]))
    return [_comment_view(c) for c in accepted]


def moderation_queue(letter: CommitmentLetter) -> list[dict[str, Any]]:
    """Pending comments for an editor, oldest first; contacts masked here too."""
    pending = [c for c in letter.comments.values() if c["status"] == PENDING]
    pending.sort(key=lambda c: (c["received_at"], c["comment_id"]))
    return [_comment_view(c) for c in pending]


def public_letter_view(letter: CommitmentLetter) -> dict[str, Any]:
    """The published letter as shown to the public; refuses an unpublished letter."""
    if letter.status not in PUBLIC_STATES:
        raise NotFound(f"letter {letter.id} is not published")
    return {
        "letter_id": letter.id,
        "committee_id": letter.committee_id,
        "member_id": letter.member_id,
        "year": letter.year,
        "status": letter.status,
        "published_on": letter.published_on.isoformat() if letter.published_on else None,
        "notice_last_day": letter.notice_last_day.isoformat() if letter.notice_last_day else None,
        "current_version": letter.current_version,
        "versions": [dict(v) for v in letter.versions],
        "progress": [dict(p) for p in letter.progress],
        "comments": visible_comments(letter),
    }
