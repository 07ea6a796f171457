"""Small Chinese numerals as people type them into spreadsheets (app.services.common.chinese)."""

from __future__ import annotations

import pytest

from app.services.common.chinese import chinese_number, parse_chinese_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("零", 0),
        ("〇", 0),
        ("一", 1),
        ("五", 5),
        ("九", 9),
        ("十", 10),
        ("十一", 11),
        ("十五", 15),
        ("一十五", 15),
        ("二十", 20),
        ("二十三", 23),
        ("九十九", 99),
    ],
)
def test_reads_small_numerals(text, value):
    assert parse_chinese_number(text) == value


@pytest.mark.parametrize(
    "text",
    ["", "5", "15", "百", "一百", "十十", "二二", "二十十", "三十零", "零五", "〇十", "十〇", "两", "五天"],
)
def test_anything_else_is_none(text):
    assert parse_chinese_number(text) is None


def test_reads_back_what_chinese_number_writes():
    assert all(parse_chinese_number(chinese_number(n)) == n for n in range(1, 100))
