"""Tests for app.services.common.idcard (resident ID numbers, GB 11643-1999).

Check digits in these tests are computed by hand from the standard's weights
(``_hand_check``) rather than by the module, so the two implementations check each other.
"""

from __future__ import annotations

import datetime
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from app.services.common.idcard import (
    IdInfo,
    IdNumberError,
    check_digit,
    check_report,
    is_valid,
    mask,
    normalise,
    parse,
    redact,
    upgrade_15,
)

TODAY = datetime.date(2025, 12, 31)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# Region codes stdnum accepts for every birth year, and codes it only accepts from
# some year on (440305 南山区 from 1990, 610204 耀州区 from 2002, ...), which the
# module accepts for any birth year because codes are assigned at issue, not at birth.
ALL_YEAR_CODES = ["110105", "310104", "110101", "110108", "120101"]
LATER_CODES = ["440305", "610202", "610203", "610204", "510107", "330106"]
EXAMPLE = "11010519491231002X"
REPORT_KEYS = [
    "id",
    "valid",
    "error",
    "birth_date",
    "sex",
    "region_code",
    "province",
    "county",
    "converted_from_15",
]


def _hand_check(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def _make(region: str, birth: str, seq: str) -> str:
    first17 = region + birth + seq
    return first17 + _hand_check(first17)


# --- the worked example and normalisation -------------------------------------------------------


def test_example_number():
    info = parse(EXAMPLE, today=TODAY)
    assert info.number == EXAMPLE
    assert info.birth_date == datetime.date(1949, 12, 31)
    assert info.sex == "female"
    assert info.region_code == "110105"
    assert info.province == ric.get_birth_place(EXAMPLE)["province"] == "北京市"
    assert info.county == "朝阳区"
    assert info.converted_from_15 is False


@pytest.mark.parametrize(
    "text",
    [
        "11010519491231002x",
        "１１０１０５１９４９１２３１００２Ｘ",
        "１１０１０５１９４９１２３１００２ｘ",
        "110105 19491231 002X",
        "110105\u300019491231\u3000002X",
        " 110105-19491231-002x\n",
        "\t110105\u00a019491231\u2014002X\u200b",
    ],
)
def test_variants_are_the_same_number(text):
    assert normalise(text) == EXAMPLE
    assert parse(text, today=TODAY).number == EXAMPLE
    assert is_valid(text)


def test_normalise_does_not_validate():
    assert normalise("ａｂｃ x") == "abcX"
    assert normalise("") == ""


# --- check digit and 15 -> 18 ------------------------------------------------------------------


@pytest.mark.parametrize(
    "first17", ["11010519491231002", "36042619910101007", "00000000000000000", "99999999999999999"]
)
def test_check_digit_matches_the_standard(first17):
    assert check_digit(first17) == _hand_check(first17)


def test_upgrade_15_known_pair():
    # 110105 49 1231 002 -> insert "19" before the year, append the check digit.
    first17 = "110105" + "19" + "491231" + "002"
    assert first17 == "11010519491231002"
    assert _hand_check(first17) == "X"
    assert upgrade_15("110105491231002") == "11010519491231002X"


@pytest.mark.parametrize(
    ("text", "kind"),
    [("11010549123100", "length"), ("1101054912310021", "length"), ("11010549123100X", "characters")],
)
def test_upgrade_15_rejects_non_15_digits(text, kind):
    with pytest.raises(IdNumberError) as exc:
        upgrade_15(text)
    assert exc.value.kind == kind


def test_parse_15_digit_number():
    info = parse("110105 491231 002", today=TODAY)
    assert info.number == EXAMPLE
    assert info.converted_from_15 is True
    assert info.birth_date == datetime.date(1949, 12, 31)
    assert info.sex == "female"


# --- every kind of error -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "quoted"),
    [
        ("", "empty", "未填写"),
        ("  \u3000- ", "empty", "未填写"),
        ("11010519491231002A", "characters", "“A”"),
        ("1101051949123100X2", "characters", "第17位"),
        ("110105491231002X", "characters", "“X”"),
        ("110105１９４９1231002？", "characters", "“?”"),
        ("11010519491231002X\u0007", "characters", "U+0007"),
        ("11010519491231002", "length", "现为17位"),
        ("1101051949123100200", "length", "现为19位"),
        (_make("110105", "19491332", "002"), "birth_date", "“19491332”"),
        (_make("110105", "19490229", "002"), "birth_date", "“19490229”"),
        (_make("110105", "00000101", "002"), "birth_date", "“00000101”"),
        (_make("110105", "18791231", "002"), "birth_date", "“18791231”"),
        ("110105491332002", "birth_date", "“19491332”"),
        (_make("110105", "20260101", "002"), "birth_date", "晚于今天"),
        ("110105194912310025", "check_digit", "应为“X”，实际为“5”"),
        (_make("990000", "19491231", "002"), "region", "“990000”"),
        (_make("119900", "19491231", "002"), "region", "“119900”"),  # province known, county not
    ],
)
def test_error_kinds_and_messages(text, kind, quoted):
    with pytest.raises(IdNumberError) as exc:
        parse(text, today=TODAY)
    err = exc.value
    assert isinstance(err, ValueError)
    assert err.kind == kind
    message = str(err)
    assert quoted in message
    for whole in {text, normalise(text), normalise(text).upper()}:
        if len(whole) > 8:
            assert whole not in message
    assert not is_valid(text) or kind == "birth_date"  # is_valid uses the real today


def test_future_birth_date_refused_but_today_accepted():
    number = _make("110105", "20240602", "001")
    with pytest.raises(IdNumberError) as exc:
        parse(number, today=datetime.date(2024, 6, 1))
    assert exc.value.kind == "birth_date"
    assert parse(number, today=datetime.date(2024, 6, 2)).birth_date == datetime.date(2024, 6, 2)


def test_earliest_birth_date_accepted():
    assert parse(_make("110105", "18800101", "001"), today=TODAY).sex == "male"


def test_region_valid_only_later_is_accepted_with_current_name():
    # Born 1980, card issued in Shenzhen Nanshan (code from 1990): stdnum alone refuses it.
    number = _make("440305", "19800101", "001")
    assert not ric.is_valid(number)
    info = parse(number, today=TODAY)
    assert (info.province, info.county) == ("广东省", "南山区")


def test_error_pickles_with_kind():
    err = pickle.loads(pickle.dumps(IdNumberError("region", "地区码“990000”不存在")))
    assert (err.kind, str(err)) == ("region", "地区码“990000”不存在")
    with pytest.raises(ValueError):
        IdNumberError("nonsense", "x")


def test_idinfo_repr_is_masked():
    info = parse(EXAMPLE, today=TODAY)
    assert isinstance(info, IdInfo)
    assert EXAMPLE not in repr(info)
    assert "1101**********002X" in repr(info)


# --- mask / redact / check_report ------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("610202199001011234", "6102**********1234"),
        ("110105491231002", "1101*******1002"),
        ("12345678", "********"),
        ("1101051949123100", "****************"),
        ("", ""),
    ],
)
def test_mask_shape(number, masked):
    assert mask(number) == masked
    assert len(mask(number)) == len(number)


def test_redact_masks_ids_in_sentences():
    text = f"居民{EXAMPLE}申请证明，旧证110105491231002，小写11010519491231002x。"
    assert redact(text) == "居民1101**********002X申请证明，旧证1101*******1002，小写1101**********002x。"


def test_redact_masks_full_width_copies():
    assert redact("号码：１１０１０５１９４９１２３１００２Ｘ") == "号码：１１０１**********００２Ｘ"


@pytest.mark.parametrize(
    "run", ["12345678901234567890", "1234567890123456", "12345678901234567", "1234567890123456789"]
)
def test_redact_leaves_other_digit_runs_alone(run):
    assert redact(f"流水号{run}已记录") == f"流水号{run}已记录"


def test_check_report_valid():
    report = check_report("110105491231002", today=TODAY)
    assert list(report) == REPORT_KEYS
    assert report == {
        "id": EXAMPLE,
        "valid": True,
        "error": None,
        "birth_date": "1949-12-31",
        "sex": "female",
        "region_code": "110105",
        "province": "北京市",
        "county": "朝阳区",
        "converted_from_15": True,
    }


def test_check_report_invalid():
    report = check_report("110105 19491231 0025", today=TODAY)
    assert report["id"] == "110105194912310025"
    assert report["valid"] is False
    assert report["error"] == "校验码不符：最后一位应为“X”，实际为“5”，请核对号码"
    assert list(report) == REPORT_KEYS
    assert all(report[k] is None for k in report if k not in ("id", "valid", "error"))


# --- properties --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ALL_YEAR_CODES)
@pytest.mark.parametrize("year", [1900, 1950, 1983, 2025])
def test_all_year_codes_really_are_accepted_by_stdnum(code, year):
    assert ric.is_valid(_make(code, f"{year}0101", "001"))


valid_ids = st.builds(
    lambda region, birth, seq: (_make(region, birth.strftime("%Y%m%d"), f"{seq:03d}"), birth, seq),
    st.sampled_from(ALL_YEAR_CODES + LATER_CODES),
    st.dates(datetime.date(1900, 1, 1), datetime.date(2025, 12, 31)),
    st.integers(0, 999),
)


@settings(max_examples=60, deadline=None)
@given(valid_ids)
def test_valid_ids_round_trip_and_every_substitution_is_caught(case):
    number, birth, seq = case
    info = parse(number, today=TODAY)
    assert info.number == number
    assert info.birth_date == birth
    assert info.sex == ("male" if seq % 2 else "female")
    if number[:6] in ALL_YEAR_CODES:
        assert ric.is_valid(number)
    for pos in range(18):
        for ch in "0123456789X":
            if ch != number[pos]:
                changed = number[:pos] + ch + number[pos + 1 :]
                with pytest.raises(IdNumberError):
                    parse(changed, today=TODAY)


@settings(max_examples=40, deadline=None)
@given(valid_ids, st.text(max_size=8), st.text(max_size=8))
def test_redact_never_leaks_an_embedded_id(case, before, after):
    number = case[0]
    before = before if not before[-1:].isdigit() else before + "。"
    after = after if not after[:1].isdigit() else "。" + after
    assert number not in redact(before + number + after)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=25), st.text(alphabet="0123456789Xx -", max_size=22)))
def test_parse_only_ever_raises_id_number_error(text):
    try:
        parse(text, today=TODAY)
    except IdNumberError as err:
        compact = normalise(text)
        if len(compact) > 8:
            assert compact not in str(err)


def test_redact_keeps_grid_codes_but_masks_legacy_numbers():
    assert redact("网格 610202010001001 已更新") == "网格 610202010001001 已更新"
    assert "110105491231002" not in redact("旧证 110105491231002")


def test_the_stored_form_is_the_number_a_lookup_asks_for_or_nothing():
    from app.services.common.idcard import check_digit, parse, stored_form, upgrade_15

    first17 = "11010519491231002"
    valid = first17 + check_digit(first17)
    assert stored_form(valid) == valid == parse(valid).number
    assert stored_form(f" {valid[:6]}-{valid[6:]}\u3000".lower()) == valid  # typed with separators
    assert stored_form("".join(chr(ord(c) + 0xFEE0) for c in valid)) == valid  # full-width digits
    legacy = "110105491231002"
    assert stored_form(legacy) == upgrade_15(legacy) == parse(legacy).number
    wrong_check = first17 + ("0" if valid[17] != "0" else "1")
    for text in ("", "123", wrong_check, valid + "1", "١١٠١٠٥٤٩١٢٣١٠٠٢", first17[:-1] + "a" + valid[17]):
        assert stored_form(text) is None, text
