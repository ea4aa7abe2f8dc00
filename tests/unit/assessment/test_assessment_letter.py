"""Commitment letter: lifecycle, four-category rule, no edit after publish, amendments,
public supervision and moderation."""

from __future__ import annotations

import datetime as dt

import pytest

from eventkit.errors import InvalidInput, NotFound, RuleViolation
from services.assessment.contract.events import registry
from services.assessment.domain.commitment import (
    CATEGORIES,
    CommitmentItem,
    CommitmentLetter,
    ensure_one_letter_per_member_year,
    mask_contact,
    missing_categories,
)
from services.assessment.domain.letter_views import (
    moderation_queue,
    public_letter_view,
    visible_comments,
)

UTC = dt.UTC
T0 = dt.datetime(2024, 3, 10, 9, 0, tzinfo=UTC)


def item(item_id: str, category: str, content: str = "Hold monthly exchange meetings") -> (
    CommitmentItem
):
    return CommitmentItem(item_id, category, content, "12 meetings", dt.date(2024, 12, 31))


def full_items(prefix: str = "i") -> list[CommitmentItem]:
    return [item(f"{prefix}{n}", c) for n, c in enumerate(CATEGORIES)]


def drafted() -> CommitmentLetter:
    letter = CommitmentLetter("L1")
    letter.draft(committee_id="C1", member_id="M1", year=2024, drafted_on=dt.date(2024, 2, 1))
    return letter


def submitted() -> CommitmentLetter:
    letter = drafted()
    for it in full_items():
        letter.add_item(it)
    letter.submit(signed_on=dt.date(2024, 2, 20))
    return letter


def published() -> CommitmentLetter:
    letter = submitted()
    letter.publish(published_on=dt.date(2024, 3, 1))
    return letter


def in_progress() -> CommitmentLetter:
    letter = published()
    letter.start_implementation(today=dt.date(2024, 3, 8))
    return letter


def assert_valid_and_replayable(letter: CommitmentLetter) -> CommitmentLetter:
    for event in letter.pending:
        assert registry.validate(event.type, event.data) == 1
    again = CommitmentLetter.from_history(letter.id, [(e.type, e.data) for e in letter.pending])
    assert vars(again) | {"version": 0, "pending": []} == vars(letter) | {
        "version": 0,
        "pending": [],
    }
    return again


def test_draft_records_letter_drafted() -> None:
    letter = drafted()
    assert letter.status == "drafted"
    assert [e.type for e in letter.pending] == ["LetterDrafted"]
    assert letter.pending[0].data["member_id"] == "M1"


def test_submit_needs_every_category() -> None:
    letter = drafted()
    for it in full_items()[:3]:
        letter.add_item(it)
    with pytest.raises(RuleViolation) as err:
        letter.submit(signed_on=dt.date(2024, 2, 20))
    assert err.value.details == {"missing_categories": ["self_discipline"]}
    assert letter.status == "drafted"


def test_submit_empty_letter_lists_all_categories() -> None:
    with pytest.raises(RuleViolation) as err:
        drafted().submit(signed_on=dt.date(2024, 2, 20))
    assert err.value.details["missing_categories"] == list(CATEGORIES)


def test_missing_categories_pure() -> None:
    assert missing_categories(full_items()) == []
    assert missing_categories([item("a", "post")]) == ["common", "practical_deeds",
                                                        "self_discipline"]


def test_full_lifecycle_to_assessed() -> None:
    letter = in_progress()
    letter.report_progress(
        report_id="R1", item_id="i0", reported_on=dt.date(2024, 6, 1),
        text="6 of 12 meetings held", evidence_links=["https://example.org/minutes/6"],
    )
    letter.mark_assessed(round_id="RD1", assessed_on=dt.date(2025, 1, 10))
    assert letter.status == "assessed"
    assert [e.type for e in letter.pending] == [
        "LetterDrafted", "LetterItemAdded", "LetterItemAdded", "LetterItemAdded",
        "LetterItemAdded", "LetterSubmitted", "LetterPublished",
        "LetterImplementationStarted", "LetterProgressReported", "LetterAssessed",
    ]
    assert letter.progress[0]["version"] == 1
    assert_valid_and_replayable(letter)


def test_item_with_unknown_category_is_invalid() -> None:
    with pytest.raises(InvalidInput):
        drafted().add_item(item("x", "leisure"))


def test_item_deadline_before_letter_year_is_invalid() -> None:
    bad = CommitmentItem("x", "post", "c", "t", dt.date(2023, 12, 31))
    with pytest.raises(InvalidInput):
        drafted().add_item(bad)


def test_revise_and_remove_while_drafted() -> None:
    letter = drafted()
    letter.add_item(item("a", "post"))
    letter.revise_item(item("a", "post", "Train 50 young members"))
    assert letter.items["a"].content == "Train 50 young members"
    letter.remove_item("a")
    assert letter.items == {}
    assert_valid_and_replayable(letter)


@pytest.mark.parametrize("make", [submitted, published, in_progress])
def test_no_item_edit_after_draft(make: object) -> None:
    letter = make()  # type: ignore[operator]
    with pytest.raises(RuleViolation):
        letter.add_item(item("new", "post"))
    with pytest.raises(RuleViolation):
        letter.revise_item(item("i0", "common", "changed"))
    with pytest.raises(RuleViolation):
        letter.remove_item("i0")


def test_publish_default_notice_of_seven_days() -> None:
    letter = published()
    assert letter.notice_days == 7
    assert letter.notice_last_day == dt.date(2024, 3, 7)
    assert letter.current_version == 1
    assert letter.versions[0]["reason"] is None


def test_implementation_waits_for_notice_end() -> None:
    letter = published()
    with pytest.raises(RuleViolation) as err:
        letter.start_implementation(today=dt.date(2024, 3, 7))
    assert err.value.details == {"notice_last_day": "2024-03-07"}
    letter.start_implementation(today=dt.date(2024, 3, 8))
    assert letter.status == "in_progress"


def test_custom_notice_period() -> None:
    letter = submitted()
    letter.publish(published_on=dt.date(2024, 3, 1), notice_days=3)
    assert letter.notice_last_day == dt.date(2024, 3, 3)
    with pytest.raises(InvalidInput):
        submitted().publish(published_on=dt.date(2024, 3, 1), notice_days=0)


def test_cannot_publish_before_submit() -> None:
    with pytest.raises(RuleViolation):
        drafted().publish(published_on=dt.date(2024, 3, 1))


def test_progress_only_in_progress_and_on_existing_item() -> None:
    with pytest.raises(RuleViolation):
        published().report_progress(
            report_id="R1", item_id="i0", reported_on=dt.date(2024, 3, 2), text="x"
        )
    letter = in_progress()
    with pytest.raises(NotFound):
        letter.report_progress(
            report_id="R1", item_id="nope", reported_on=dt.date(2024, 4, 1), text="x"
        )
    with pytest.raises(InvalidInput):
        letter.report_progress(
            report_id="R1", item_id="i0", reported_on=dt.date(2024, 4, 1), text="x",
            evidence_links=["javascript:alert(1)"],
        )


def test_amendment_creates_new_version_and_keeps_old() -> None:
    letter = in_progress()
    new_items = full_items()
    new_items[1] = item("i1", "post", "Hold 10 meetings instead of 12")
    letter.amend(reason="Flood season", items=new_items, amended_on=dt.date(2024, 7, 1))
    assert letter.current_version == 2
    assert [v["version"] for v in letter.versions] == [1, 2]
    assert letter.versions[0]["items"][1]["content"] == "Hold monthly exchange meetings"
    assert letter.versions[1]["items"][1]["content"] == "Hold 10 meetings instead of 12"
    assert letter.versions[1]["reason"] == "Flood season"
    assert letter.items["i1"].content == "Hold 10 meetings instead of 12"
    assert letter.status == "in_progress"
    assert_valid_and_replayable(letter)


def test_amendment_must_keep_four_categories_and_a_reason() -> None:
    letter = published()
    with pytest.raises(RuleViolation) as err:
        letter.amend(reason="r", items=full_items()[:2], amended_on=dt.date(2024, 3, 5))
    assert err.value.details["missing_categories"] == ["practical_deeds", "self_discipline"]
    with pytest.raises(InvalidInput):
        letter.amend(reason="  ", items=full_items("n"), amended_on=dt.date(2024, 3, 5))
    with pytest.raises(RuleViolation):
        letter.amend(reason="same", items=full_items(), amended_on=dt.date(2024, 3, 5))
    assert letter.current_version == 1


def test_amendment_not_before_publication_nor_after_assessment() -> None:
    with pytest.raises(RuleViolation):
        submitted().amend(reason="r", items=full_items("n"), amended_on=dt.date(2024, 3, 5))
    letter = in_progress()
    letter.mark_assessed(round_id="RD1", assessed_on=dt.date(2025, 1, 10))
    with pytest.raises(RuleViolation):
        letter.amend(reason="r", items=full_items("n"), amended_on=dt.date(2025, 1, 11))


def test_comments_only_on_published_letter() -> None:
    with pytest.raises(RuleViolation):
        submitted().receive_comment(comment_id="c1", text="hello", received_at=T0)


def test_moderation_shows_only_accepted_comments() -> None:
    letter = published()
    letter.receive_comment(
        comment_id="c1", text="Good plan", received_at=T0, name="Li", contact="13812345678"
    )
    letter.receive_comment(comment_id="c2", text="Spam", received_at=T0 + dt.timedelta(1))
    letter.receive_comment(comment_id="c3", text="Pending", received_at=T0 + dt.timedelta(2))
    letter.accept_comment(comment_id="c1", editor_id="E1", moderated_at=T0)
    letter.reject_comment(comment_id="c2", editor_id="E1", reason="advert", moderated_at=T0)
    shown = visible_comments(letter)
    assert [c["comment_id"] for c in shown] == ["c1"]
    assert shown[0]["contact"] == "*******5678"
    assert shown[0]["name"] == "Li"
    assert [c["comment_id"] for c in moderation_queue(letter)] == ["c3"]
    assert letter.comments["c2"]["rejection_reason"] == "advert"
    assert_valid_and_replayable(letter)


def test_comment_is_moderated_once_and_rejection_needs_reason() -> None:
    letter = published()
    letter.receive_comment(comment_id="c1", text="x", received_at=T0)
    with pytest.raises(InvalidInput):
        letter.reject_comment(comment_id="c1", editor_id="E1", reason="", moderated_at=T0)
    letter.accept_comment(comment_id="c1", editor_id="E1", moderated_at=T0)
    with pytest.raises(RuleViolation):
        letter.reject_comment(comment_id="c1", editor_id="E1", reason="r", moderated_at=T0)
    with pytest.raises(NotFound):
        letter.accept_comment(comment_id="zz", editor_id="E1", moderated_at=T0)


def test_comment_needs_aware_time() -> None:
    with pytest.raises(InvalidInput):
        published().receive_comment(
            comment_id="c1", text="x", received_at=dt.datetime(2024, 3, 1, 9)
        )


def test_comment_time_stored_in_utc() -> None:
    letter = published()
    beijing = dt.timezone(dt.timedelta(hours=8))
    letter.receive_comment(
        comment_id="c1", text="x", received_at=dt.datetime(2024, 3, 2, 8, 0, tzinfo=beijing)
    )
    assert letter.pending[-1].data["received_at"] == "2024-03-02T00:00:00+00:00"


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812345678", "*******5678"),
        ("li@example.com", "**********.com"),
        ("1234", "****"),
        ("12", "**"),
        (None, None),
    ],
)
def test_mask_contact(raw: str | None, masked: str | None) -> None:
    assert mask_contact(raw) == masked


def test_public_view_masks_and_hides() -> None:
    with pytest.raises(NotFound):
        public_letter_view(submitted())
    letter = published()
    letter.receive_comment(
        comment_id="c1", text="ok", received_at=T0, contact="wx:zhang_san_88"
    )
    letter.receive_comment(comment_id="c2", text="hidden", received_at=T0)
    letter.accept_comment(comment_id="c1", editor_id="E1", moderated_at=T0)
    view = public_letter_view(letter)
    assert [c["comment_id"] for c in view["comments"]] == ["c1"]
    assert "zhang" not in str(view)
    assert view["notice_last_day"] == "2024-03-07"


def test_one_letter_per_member_and_year() -> None:
    ensure_one_letter_per_member_year([("M1", 2023), ("M2", 2024)], "M1", 2024)
    with pytest.raises(RuleViolation):
        ensure_one_letter_per_member_year([("M1", 2024)], "M1", 2024)


def test_draft_twice_refused() -> None:
    letter = drafted()
    with pytest.raises(RuleViolation):
        letter.draft(committee_id="C1", member_id="M1", year=2024, drafted_on=dt.date(2024, 2, 1))


def test_command_on_missing_letter_is_not_found() -> None:
    with pytest.raises(NotFound):
        CommitmentLetter("nope").submit(signed_on=dt.date(2024, 1, 1))
