"""Where a school's clocks change: the stretches of one UTC offset the CSV export looks up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.localtime import offset_spans


def test_offset_spans_cut_at_each_clock_change_to_the_second():
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    london = offset_spans("Europe/London", start, end)
    assert london == [
        (start, datetime(2026, 3, 29, 1, tzinfo=UTC), timedelta(0)),
        (
            datetime(2026, 3, 29, 1, tzinfo=UTC),
            datetime(2026, 10, 25, 1, tzinfo=UTC),
            timedelta(hours=1),
        ),
        (datetime(2026, 10, 25, 1, tzinfo=UTC), end, timedelta(0)),
    ]
    lord_howe = offset_spans("Australia/Lord_Howe", start, end)
    assert [offset for _, _, offset in lord_howe] == [
        timedelta(hours=11),
        timedelta(hours=10, minutes=30),
        timedelta(hours=11),
    ]
    assert offset_spans("Asia/Dubai", start, end) == [(start, end, timedelta(hours=4))]


def test_offset_spans_agree_with_zoneinfo_every_half_hour():
    start, end = datetime(2025, 9, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
    for zone in ("America/St_Johns", "Pacific/Chatham", "America/Santiago", "Asia/Kolkata"):
        spans = offset_spans(zone, start, end)
        assert spans[0][0] == start and spans[-1][1] == end
        assert all(earlier[1] == later[0] for earlier, later in zip(spans, spans[1:], strict=False))
        for since, until, offset in spans:
            moment = since
            while moment < until:
                assert moment.astimezone(ZoneInfo(zone)).utcoffset() == offset, (zone, moment)
                moment += timedelta(minutes=30)
            last = until - timedelta(seconds=1)
            assert last.astimezone(ZoneInfo(zone)).utcoffset() == offset, (zone, last)
