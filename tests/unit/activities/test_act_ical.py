from datetime import UTC, date, datetime, timedelta, timezone

from services.activities.calendar_text import (
    escape_text,
    fold_line,
    render_calendar,
    unit_calendar,
)
from services.activities.domain.activity import ActivityFacts
from services.activities.domain.calendar_feed import AllDayEvent, TimedEvent
from services.activities.domain.compliance import DutyWindow

CST = timezone(timedelta(hours=8))
NOW = datetime(2024, 3, 1, 8, 0, tzinfo=CST)


def lines_of(text):
    assert text.endswith("\r\n")
    body = text[:-2]
    assert "\n" not in body.replace("\r\n", "")  # no bare LF
    return body.split("\r\n")


def unfold(text):
    return text.replace("\r\n ", "")


def test_escape_text():
    assert escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"


def test_fold_at_75_octets_with_multibyte_characters():
    line = "SUMMARY:" + "青年" * 60  # 8 + 360 octets
    folded = fold_line(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert folded.replace("\r\n ", "") == line
    # RFC 5545 3.1: no line over 75 octets, unfolding gives the line back. Where the fold
    # falls below that limit is the writer's choice (icalendar folds ASCII at 74).
    for ascii_line in ("X" * 75, "X" * 76, "SUMMARY:" + "X" * 200):
        parts = fold_line(ascii_line).split("\r\n")
        assert all(len(p.encode("utf-8")) <= 75 for p in parts)
        assert all(p.startswith(" ") for p in parts[1:])
        assert fold_line(ascii_line).replace("\r\n ", "") == ascii_line
    assert fold_line("X" * 70) == "X" * 70


def test_calendar_structure_utc_form():
    event = TimedEvent("a1@coopleague", "Pruning, class; day 1", datetime(2024, 3, 5, 9, 0,
                       tzinfo=CST), datetime(2024, 3, 5, 11, 30, tzinfo=CST), "Hall\\East")
    text = render_calendar([event], dtstamp=NOW, name="Branch")
    lines = lines_of(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert "DTSTART:20240305T010000Z" in lines
    assert "DTEND:20240305T033000Z" in lines
    assert "DTSTAMP:20240301T000000Z" in lines
    assert "SUMMARY:Pruning\\, class\\; day 1" in lines
    assert "LOCATION:Hall\\\\East" in lines
    assert "BEGIN:VTIMEZONE" not in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1


def test_calendar_tzid_form_has_vtimezone():
    event = TimedEvent("a1", "x", datetime(2024, 3, 5, 1, 0, tzinfo=UTC),
                       datetime(2024, 3, 5, 2, 0, tzinfo=UTC))
    lines = lines_of(render_calendar([event], dtstamp=NOW, use_tzid=True))
    assert "DTSTART;TZID=Asia/Shanghai:20240305T090000" in lines
    assert "BEGIN:VTIMEZONE" in lines and "TZID:Asia/Shanghai" in lines
    assert "TZOFFSETTO:+0800" in lines
    assert lines.index("END:VTIMEZONE") < lines.index("BEGIN:VEVENT")


def test_all_day_event_uses_value_date_and_exclusive_end():
    lines = lines_of(render_calendar([AllDayEvent("d1", "Due", date(2024, 2, 29))], dtstamp=NOW))
    assert "DTSTART;VALUE=DATE:20240229" in lines
    assert "DTEND;VALUE=DATE:20240301" in lines


def test_unit_calendar_has_activities_and_due_meetings_only():
    acts = [
        ActivityFacts("a1", "planned", "skills_training", "嫁接技术培训，第一期", ("br",), (),
                      datetime(2024, 3, 5, 9, tzinfo=CST), datetime(2024, 3, 5, 12, tzinfo=CST),
                      venue="村委会"),
        ActivityFacts("a2", "cancelled", "other", "Cancelled", (), ("br",),
                      datetime(2024, 3, 6, 9, tzinfo=CST), datetime(2024, 3, 6, 12, tzinfo=CST)),
        ActivityFacts("a3", "planned", "other", "Someone else's", ("pc",), (),
                      datetime(2024, 3, 6, 9, tzinfo=CST), datetime(2024, 3, 6, 12, tzinfo=CST)),
    ]
    duties = [
        DutyWindow("branch_monthly_youth_exchange", "monthly", "2024-02", date(2024, 2, 1),
                   date(2024, 2, 29), "overdue"),
        DutyWindow("branch_monthly_youth_exchange", "monthly", "2024-03", date(2024, 3, 1),
                   date(2024, 3, 31), "due"),
        DutyWindow("branch_monthly_youth_exchange", "monthly", "2024-01", date(2024, 1, 1),
                   date(2024, 1, 31), "held"),
    ]
    text = unit_calendar(unit_id="br", unit_name="梨园团支部", activities=acts, duties=duties,
                         now=NOW)
    flat = unfold(text)
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    assert flat.count("BEGIN:VEVENT") == 4
    assert "UID:activity-a1@coopleague" in flat
    assert "SUMMARY:嫁接技术培训，第一期" in flat  # full-width comma is not escaped
    assert "UID:activity-a3@coopleague" not in flat
    assert "STATUS:CANCELLED" in flat
    assert "DTSTART;VALUE=DATE:20240229" in flat and "DTSTART;VALUE=DATE:20240331" in flat
    assert "已逾期" in flat and "待召开" in flat
    assert "2024-01" not in flat.split("BEGIN:VEVENT", 1)[1]


def test_plain_text_backslash_n_stays_a_backslash_and_a_letter():
    # icalendar's vText reads an input `\N` as a line break; a title is plain text
    assert escape_text("D:\\New\\n") == "D:\\\\New\\\\n"
    event = AllDayEvent("d1", "C:\\N, x", date(2024, 2, 29))
    lines = lines_of(render_calendar([event], dtstamp=NOW, name="梨园; 团支部"))
    assert "SUMMARY:C:\\\\N\\, x" in lines
    assert "X-WR-CALNAME:梨园\\; 团支部" in lines
