"""devicecloud.dates and devicecloud.chunks: the helpers the gateway and the simulator share."""
from __future__ import annotations

from datetime import date

import pytest

from devicecloud.chunks import byte_chunks
from devicecloud.dates import parse_day


def test_parse_day_reads_a_calendar_date():
    assert parse_day("2026-02-28", "startDate") == date(2026, 2, 28)


@pytest.mark.parametrize("raw, says", [
    ("2026-02-30", "startDate is not a real calendar date"),
    ("2026-2-3", "startDate must be a date as YYYY-MM-DD"),
    ("BTTE1234567890", "startDate must be a date as YYYY-MM-DD"),
    ("２０２６-01-01", "startDate must be a date as YYYY-MM-DD"),    # full-width digits
    (None, "startDate must be a date as YYYY-MM-DD"),
    (20260101, "startDate must be a date as YYYY-MM-DD"),
])
def test_parse_day_names_the_field_and_never_echoes_the_value(raw, says):
    with pytest.raises(ValueError) as err:
        parse_day(raw, "startDate")
    assert str(err.value) == says
    assert str(raw) not in str(err.value)


def test_byte_chunks_keep_every_byte_in_order_in_bounded_chunks():
    lines = [f"row {n},é,{'x' * (n % 50)}\n" for n in range(5000)]
    calls = []
    chunks = list(byte_chunks(lines, size=4096, between=lambda: calls.append(1)))
    assert b"".join(chunks) == "".join(lines).encode()
    longest_line = max(len(line) for line in lines)
    assert all(len(c.decode()) < 4096 + longest_line for c in chunks)
    assert len(chunks) > 10
    assert len(calls) == len(chunks) - 1      # after each full chunk, not after the remainder


def test_byte_chunks_of_nothing_is_nothing():
    assert list(byte_chunks([])) == []
