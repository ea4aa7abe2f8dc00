"""Work target commitment letter (《工作目标承诺书》) of one committee member for one year.

Lifecycle: drafted -> submitted (signed) -> published (public notice) -> in_progress
(progress reports) -> assessed. Items are edited only while drafted; once published the
letter is never edited again: an amendment records a new version with a reason, and every
version stays in `versions`. Version 1 is the letter as published.

The public notice runs `notice_days` days from the publication date inclusive: published on
1 March with 7 days, the notice covers 1-7 March and implementation may start on 8 March.

Public supervision: anyone may comment on a published letter (name and contact optional);
an editor accepts or rejects (with a reason) each comment; only accepted ones are shown.
View helpers never show a contact in full (see `mask_contact`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from eventkit.aggregate import Aggregate
from eventkit.errors import InvalidInput, NotFound, RuleViolation

from .values import (
    iso_date,
    iso_utc,
    optional_text,
    parse_date,
    require_date,
    require_id,
    require_int,
    require_text,
    require_year,
)

COMMON = "common"
POST = "post"
PRACTICAL_DEEDS = "practical_deeds"
SELF_DISCIPLINE = "self_discipline"
CATEGORIES: tuple[str, ...] = (COMMON, POST, PRACTICAL_DEEDS, SELF_DISCIPLINE)

DRAFTED = "drafted"
SUBMITTED = "submitted"
PUBLISHED = "published"
IN_PROGRESS = "in_progress"
ASSESSED = "assessed"
# States in which the letter is public: comments and amendments are possible.
PUBLIC_STATES = (PUBLISHED, IN_PROGRESS, ASSESSED)

DEFAULT_NOTICE_DAYS = 7
MAX_NOTICE_DAYS = 60
MAX_LINKS = 20

PENDING = "pending"
ACCEPTED = "accepted"
REJECTED = "rejected"


@dataclass(frozen=True)
class CommitmentItem:
    item_id: str
    category: str
    content: str
    target: str
    deadline: dt.date

    def to_data(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "category": self.category,
            "content": self.content,
            "target": self.target,
            "deadline": self.deadline.isoformat(),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> CommitmentItem:
        return cls(
            data["item_id"], data["category"], data["content"], data["target"],
            parse_date(data["deadline"]),
        )


def missing_categories(items: Iterable[CommitmentItem]) -> list[str]:
    """Categories without any item, in the canonical order."""
    present = {item.category for item in items}
    return [c for c in CATEGORIES if c not in present]


def mask_contact(contact: str | None) -> str | None:
    """Show only the last 4 characters; a contact of 4 or fewer characters is fully masked
    (showing "the last 4" would show all of it)."""
    if contact is None:
        return None
    text = contact.strip()
    if len(text) <= 4:
        return "*" * len(text)
    return "*" * (len(text) - 4) + text[-4:]


class CommitmentLetter(Aggregate):
    stream_prefix = "letter"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.status: str | None = None
        self.committee_id = ""
        self.member_id = ""
        self.year = 0
        self.drafted_on: dt.date | None = None
        self.items: dict[str, CommitmentItem] = {}
        self.signed_on: dt.date | None = None
        self.published_on: dt.date | None = None
        self.notice_days = DEFAULT_NOTICE_DAYS
        self.versions: list[dict[str, Any]] = []
        self.progress: list[dict[str, Any]] = []
        self.comments: dict[str, dict[str, Any]] = {}
        self.assessed: dict[str, Any] | None = None

    # -- queries -------------------------------------------------------------------------

    @property
    def current_version(self) -> int:
        """Number of the version in force (0 before publication)."""
        return len(self.versions)

    @property
    def notice_last_day(self) -> dt.date | None:
        if self.published_on is None:
            return None
        return self.published_on + dt.timedelta(days=self.notice_days - 1)

    def _require(self, *states: str) -> None:
        if not self.exists:
            raise NotFound(f"letter {self.id} not found")
        if self.status not in states:
            raise RuleViolation(
                f"letter is {self.status}; this needs {' or '.join(states)}",
                {"status": self.status, "allowed": list(states)},
            )

    def _check_item(self, item: CommitmentItem, prefix: str = "") -> CommitmentItem:
        if not isinstance(item, CommitmentItem):
            raise InvalidInput.field(f"{prefix}items", "must be commitment items")
        if item.category not in CATEGORIES:
            raise InvalidInput.field(
                f"{prefix}category", f"must be one of {', '.join(CATEGORIES)}"
            )
        deadline = require_date(item.deadline, f"{prefix}deadline")
        if deadline.year < self.year:
            raise InvalidInput.field(f"{prefix}deadline", f"must not be before {self.year}")
        return CommitmentItem(
            require_id(item.item_id, f"{prefix}item_id"),
            item.category,
            require_text(item.content, f"{prefix}content", 2000),
            require_text(item.target, f"{prefix}target", 500),
            deadline,
        )

    # -- commands ------------------------------------------------------------------------

    def draft(
        self, *, committee_id: str, member_id: str, year: int, drafted_on: dt.date
    ) -> None:
        """Uniqueness per member and year is checked by the service with
        `ensure_one_letter_per_member_year` (it needs the other letters)."""
        if self.exists:
            raise RuleViolation("letter already exists", {"status": self.status})
        require_year(year)
        if require_date(drafted_on, "drafted_on").year < year - 1:
            raise InvalidInput.field("drafted_on", "must not be more than a year early")
        self._record(
            "LetterDrafted",
            {
                "letter_id": self.id,
                "committee_id": require_id(committee_id, "committee_id"),
                "member_id": require_id(member_id, "member_id"),
                "year": year,
                "drafted_on": drafted_on.isoformat(),
            },
        )

    def add_item(self, item: CommitmentItem) -> None:
        self._require(DRAFTED)
        item = self._check_item(item)
        if item.item_id in self.items:
            raise RuleViolation("item id already used", {"item_id": item.item_id})
        self._record("LetterItemAdded", item.to_data())

    def revise_item(self, item: CommitmentItem) -> None:
        self._require(DRAFTED)
        item = self._check_item(item)
        if item.item_id not in self.items:
            raise NotFound(f"item {item.item_id} not found")
        self._record("LetterItemRevised", item.to_data())

    def remove_item(self, item_id: str) -> None:
        self._require(DRAFTED)
        if item_id not in self.items:
            raise NotFound(f"item {item_id} not found")
        self._record("LetterItemRemoved", {"item_id": item_id})

    def submit(self, *, signed_on: dt.date) -> None:
        self._require(DRAFTED)
        require_date(signed_on, "signed_on")
        assert self.drafted_on is not None
        if signed_on < self.drafted_on:
            raise InvalidInput.field("signed_on", "must not be before the draft date")
        missing = missing_categories(self.items.values())
        if missing:
            raise RuleViolation(
                "a letter needs at least one item in each category",
                {"missing_categories": missing},
            )
        self._record("LetterSubmitted", {"signed_on": signed_on.isoformat()})

    def publish(self, *, published_on: dt.date, notice_days: int = DEFAULT_NOTICE_DAYS) -> None:
        self._require(SUBMITTED)
        require_date(published_on, "published_on")
        require_int(notice_days, "notice_days", 1, MAX_NOTICE_DAYS)
        assert self.signed_on is not None
        if published_on < self.signed_on:
            raise InvalidInput.field("published_on", "must not be before the signing date")
        self._record(
            "LetterPublished",
            {
                "published_on": published_on.isoformat(),
                "notice_days": notice_days,
                "items": [i.to_data() for i in self.items.values()],
            },
        )

    def start_implementation(self, *, today: dt.date) -> None:
        self._require(PUBLISHED)
        last = self.notice_last_day
        assert last is not None
        if require_date(today, "today") <= last:
            raise RuleViolation(
                "the public notice period has not ended",
                {"notice_last_day": last.isoformat()},
            )
        self._record("LetterImplementationStarted", {"started_on": today.isoformat()})

    def report_progress(
        self,
        *,
        report_id: str,
        item_id: str,
        reported_on: dt.date,
        text: str,
        evidence_links: Sequence[str] = (),
    ) -> None:
        self._require(IN_PROGRESS)
        require_id(report_id, "report_id")
        if any(r["report_id"] == report_id for r in self.progress):
            raise RuleViolation("report id already used", {"report_id": report_id})
        if item_id not in self.items:
            raise NotFound(f"item {item_id} not in the current version")
        links = list(evidence_links)
        if len(links) > MAX_LINKS:
            raise InvalidInput.field("evidence_links", f"at most {MAX_LINKS} links")
        for link in links:
            if not isinstance(link, str) or not link.startswith(("https://", "http://")):
                raise InvalidInput.field("evidence_links", "each link must be an http(s) URL")
            if len(link) > 2000:
                raise InvalidInput.field("evidence_links", "a link is at most 2000 characters")
        self._record(
            "LetterProgressReported",
            {
                "report_id": report_id,
                "item_id": item_id,
                "version": self.current_version,
                "reported_on": iso_date(reported_on, "reported_on"),
                "text": require_text(text, "text", 4000),
                "evidence_links": links,
            },
        )

    def amend(
        self, *, reason: str, items: Sequence[CommitmentItem], amended_on: dt.date
    ) -> None:
        """A new version replaces the items in force; the earlier versions are kept.

        Allowed while published or in progress (not once assessed). The status does not
        change: an amendment during the notice period does not restart it.
        """
        self._require(PUBLISHED, IN_PROGRESS)
        reason = require_text(reason, "reason", 1000)
        checked = [self._check_item(item, "items.") for item in items]
        ids = [i.item_id for i in checked]
        if len(set(ids)) != len(ids):
            raise InvalidInput.field("items", "item ids must be unique")
        missing = missing_categories(checked)
        if missing:
            raise RuleViolation(
                "a letter needs at least one item in each category",
                {"missing_categories": missing},
            )
        if {i.item_id: i for i in checked} == self.items:
            raise RuleViolation("the amendment changes nothing", {})
        require_date(amended_on, "amended_on")
        assert self.published_on is not None
        if amended_on < self.published_on:
            raise InvalidInput.field("amended_on", "must not be before publication")
        self._record(
            "LetterAmended",
            {
                "version": self.current_version + 1,
                "reason": reason,
                "amended_on": amended_on.isoformat(),
                "items": [i.to_data() for i in checked],
            },
        )

    def mark_assessed(self, *, round_id: str, assessed_on: dt.date) -> None:
        self._require(IN_PROGRESS)
        self._record(
            "LetterAssessed",
            {
                "round_id": require_id(round_id, "round_id"),
                "assessed_on": iso_date(assessed_on, "assessed_on"),
            },
        )

    def receive_comment(
        self,
        *,
        comment_id: str,
        text: str,
        received_at: dt.datetime,
        name: str | None = None,
        contact: str | None = None,
    ) -> None:
        self._require(*PUBLIC_STATES)
        require_id(comment_id, "comment_id")
        if comment_id in self.comments:
            raise RuleViolation("comment id already used", {"comment_id": comment_id})
        self._record(
            "LetterCommentReceived",
            {
                "comment_id": comment_id,
                "version": self.current_version,
                "text": require_text(text, "text", 2000),
                "name": optional_text(name, "name", 100),
                "contact": optional_text(contact, "contact", 200),
                "received_at": iso_utc(received_at, "received_at"),
            },
        )

    def _pending_comment(self, comment_id: str) -> dict[str, Any]:
        if not self.exists:
            raise NotFound(f"letter {self.id} not found")
        comment = self.comments.get(comment_id)
        if comment is None:
            raise NotFound(f"comment {comment_id} not found")
        if comment["status"] != PENDING:
            raise RuleViolation(
                "comment already moderated", {"comment_status": comment["status"]}
            )
        return comment

    def accept_comment(
        self, *, comment_id: str, editor_id: str, moderated_at: dt.datetime
    ) -> None:
        self._pending_comment(comment_id)
        self._record(
            "LetterCommentAccepted",
            {
                "comment_id": comment_id,
                "editor_id": require_id(editor_id, "editor_id"),
                "moderated_at": iso_utc(moderated_at, "moderated_at"),
            },
        )

    def reject_comment(
        self, *, comment_id: str, editor_id: str, reason: str, moderated_at: dt.datetime
    ) -> None:
        self._pending_comment(comment_id)
        self._record(
            "LetterCommentRejected",
            {
                "comment_id": comment_id,
                "editor_id": require_id(editor_id, "editor_id"),
                "reason": require_text(reason, "reason", 500),
                "moderated_at": iso_utc(moderated_at, "moderated_at"),
            },
        )

    # -- handlers ------------------------------------------------------------------------

    def _on_letter_drafted(self, data: dict[str, Any]) -> None:
        self.status = DRAFTED
        self.committee_id = data["committee_id"]
        self.member_id = data["member_id"]
        self.year = data["year"]
        self.drafted_on = parse_date(data["drafted_on"])

    def _on_letter_item_added(self, data: dict[str, Any]) -> None:
        item = CommitmentItem.from_data(data)
        self.items[item.item_id] = item

    def _on_letter_item_revised(self, data: dict[str, Any]) -> None:
        item = CommitmentItem.from_data(data)
        self.items[item.item_id] = item

    def _on_letter_item_removed(self, data: dict[str, Any]) -> None:
        del self.items[data["item_id"]]

    def _on_letter_submitted(self, data: dict[str, Any]) -> None:
        self.status = SUBMITTED
        self.signed_on = parse_date(data["signed_on"])

    def _on_letter_published(self, data: dict[str, Any]) -> None:
        self.status = PUBLISHED
        self.published_on = parse_date(data["published_on"])
        self.notice_days = data["notice_days"]
        self.versions.append(
            {
                "version": 1,
                "reason": None,
                "effective_on": data["published_on"],
                "items": [dict(i) for i in data["items"]],
            }
        )

    def _on_letter_implementation_started(self, data: dict[str, Any]) -> None:
        self.status = IN_PROGRESS

    def _on_letter_progress_reported(self, data: dict[str, Any]) -> None:
        self.progress.append({**data, "evidence_links": list(data["evidence_links"])})

    def _on_letter_amended(self, data: dict[str, Any]) -> None:
        self.versions.append(
            {
                "version": data["version"],
                "reason": data["reason"],
                "effective_on": data["amended_on"],
                "items": [dict(i) for i in data["items"]],
            }
        )
        self.items = {d["item_id"]: CommitmentItem.from_data(d) for d in data["items"]}

    def _on_letter_assessed(self, data: dict[str, Any]) -> None:
        self.status = ASSESSED
        self.assessed = dict(data)

    def _on_letter_comment_received(self, data: dict[str, Any]) -> None:
        self.comments[data["comment_id"]] = {**data, "status": PENDING}

    def _on_letter_comment_accepted(self, data: dict[str, Any]) -> None:
        self.comments[data["comment_id"]].update(
            status=ACCEPTED, editor_id=data["editor_id"], moderated_at=data["moderated_at"]
        )

    def _on_letter_comment_rejected(self, data: dict[str, Any]) -> None:
        self.comments[data["comment_id"]].update(
            status=REJECTED,
            editor_id=data["editor_id"],
            moderated_at=data["moderated_at"],
            rejection_reason=data["reason"],
        )


def ensure_one_letter_per_member_year(
    existing: Iterable[tuple[str, int]], member_id: str, year: int
) -> None:
    """`existing` are the (member_id, year) pairs of letters already drafted."""
    if (member_id, year) in set(existing):
        raise RuleViolation(
            "this member already has a letter for the year",
            {"member_id": member_id, "year": year},
        )
