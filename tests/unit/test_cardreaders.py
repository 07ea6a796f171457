"""Tests for app.services.cardreaders: decoding the SDT text block, the SDT reader through a fake
C library compiled here with the machine's C compiler, keyboard-wedge bursts and the fake reader.

The text blocks are built byte by byte in this file (UTF-16LE, space-padded to the widths of
TECH-NOTES.md) rather than with the module's own field table, so the two check each other.
"""

from __future__ import annotations

import ctypes
import datetime
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.services.cardreaders import (
    CardData,
    CardReader,
    CardReadError,
    FakeReader,
    KeystrokeBurst,
    SdtReader,
    WedgeResult,
    card_from_wedge_text,
    decode_base_msg,
    ethnicity,
)
from app.services.common import idcard

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIRST17 = "610202" + "19900307" + "123"  # 铜川市王益区, born 1990-03-07, odd sequence: male
ID_NUMBER = FIRST17 + idcard.check_digit(FIRST17)
ADDRESS = "陕西省铜川市王益区红旗街道黄堡路12号3单元401室"
AUTHORITY = "铜川市公安局王益分局"
PHOTO = bytes((i * 7 + 3) % 256 for i in range(1024))


def _field(value: str, width: int, pad: str = " ") -> bytes:
    raw = value.encode("utf-16-le")
    assert len(raw) <= width, f"{value!r} does not fit in {width} bytes"
    return raw + pad.encode("utf-16-le") * ((width - len(raw)) // 2)


def make_block(
    *,
    name: str = "张三",
    sex: str = "1",
    nation: str = "01",
    birth: str = "19900307",
    address: str = ADDRESS,
    number: str = ID_NUMBER,
    authority: str = AUTHORITY,
    valid_from: str = "20200101",
    valid_to: str = "20400101",
    card_type: str = " ",
    pad: str = " ",
) -> bytes:
    block = (
        _field(name, 30, pad)
        + _field(sex, 2, pad)
        + _field(nation, 4, pad)
        + _field(birth, 16, pad)
        + _field(address, 70, pad)
        + _field(number, 36, pad)
        + _field(authority, 30, pad)
        + _field(valid_from, 16, pad)
        + _field(valid_to, 16, pad)
    )
    assert len(block) == 220
    block += _field("", 28, pad) + _field(card_type, 2, pad) + _field("", 6, pad)
    assert len(block) == 256
    return block


def _assert_no_number(err: pytest.ExceptionInfo, number: str = ID_NUMBER) -> None:
    text = str(err.value)
    assert number not in text and number[:17] not in text
    assert number not in repr(err.value)


# -- ethnicity table -----------------------------------------------------------------------------


def test_ethnicity_table_follows_gb_t_3304():
    codes = [f"{i:02d}" for i in range(1, 57)]
    assert list(ethnicity.ETHNICITIES) == codes + ["97", "98"]
    assert all(ethnicity.ETHNICITIES[c].endswith("族") for c in codes)
    assert len(set(ethnicity.ETHNICITIES.values())) == 58
    spot = {"01": "汉族", "02": "蒙古族", "10": "朝鲜族", "15": "土家族", "23": "高山族", "30": "土族"}
    spot |= {"46": "德昂族", "49": "京族", "55": "珞巴族", "56": "基诺族"}
    spot |= {"97": "其他", "98": "外国血统中国籍人士"}
    for code, expected in spot.items():
        assert ethnicity.name(code) == expected


def test_ethnicity_lookup_tolerates_shapes_and_unknown_codes():
    assert ethnicity.name("1") == ethnicity.name(" 01") == "汉族"
    assert ethnicity.name("99") == "未知民族（99）"
    assert ethnicity.name("") == "未知民族"
    assert ethnicity.code_of("土") == "30" and ethnicity.code_of("土家族") == "15"
    assert ethnicity.code_of("火星族") is None


# -- decode_base_msg ----------------------------------------------------------------------------


def test_decode_all_fields():
    card = decode_base_msg(make_block(), PHOTO)
    assert card == CardData(
        name="张三",
        sex="male",
        ethnicity="汉族",
        birth_date=datetime.date(1990, 3, 7),
        address=ADDRESS,
        id_number=ID_NUMBER,
        authority=AUTHORITY,
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2040, 1, 1),
        long_term=False,
        photo_wlt=PHOTO,
    )
    assert decode_base_msg(make_block()).photo_wlt is None


def test_decode_long_term_validity():
    card = decode_base_msg(make_block(valid_from="20100101", valid_to="长期"))
    assert card.long_term is True and card.valid_to is None
    assert card.valid_from == datetime.date(2010, 1, 1)
    assert not card.is_expired(datetime.date(2090, 1, 1))
    assert decode_base_msg(make_block()).is_expired(datetime.date(2040, 1, 2))


def test_decode_female_with_x_check_digit_and_nul_padding():
    # Find an even sequence whose check digit is X, so the lower-case/upper-case path is covered.
    first17 = next(
        f for seq in range(0, 1000, 2) if idcard.check_digit(f := f"61020219900307{seq:03d}") == "X"
    )
    number = first17 + "x"  # some readers write a lower-case x
    card = decode_base_msg(make_block(name="李四", sex="2", number=number, pad="\x00"))
    assert card.id_number == first17 + "X" and card.sex == "female" and card.name == "李四"
    assert card.address == ADDRESS


@pytest.mark.parametrize(
    ("code", "expected"),
    [("97", "其他"), ("98", "外国血统中国籍人士"), ("99", "未知民族（99）"), ("05", "维吾尔族")],
)
def test_decode_ethnicity_codes(code, expected):
    assert decode_base_msg(make_block(nation=code)).ethnicity == expected


def test_sex_mismatch_raises_without_number():
    with pytest.raises(CardReadError, match="性别") as err:
        decode_base_msg(make_block(sex="2"))
    assert err.value.kind == "bad_data"
    _assert_no_number(err)


def test_birth_date_mismatch_raises():
    with pytest.raises(CardReadError, match="出生日期") as err:
        decode_base_msg(make_block(birth="19900308"))
    _assert_no_number(err)


def test_unknown_sex_code_raises():
    with pytest.raises(CardReadError, match="性别代码"):
        decode_base_msg(make_block(sex="9"))


def test_bad_check_digit_raises_without_number():
    good = idcard.check_digit(FIRST17)
    wrong = FIRST17 + ("1" if good != "1" else "2")
    with pytest.raises(CardReadError, match="身份证号校验失败") as err:
        decode_base_msg(make_block(number=wrong))
    assert err.value.kind == "bad_data"
    _assert_no_number(err, wrong)
    # the chained IdNumberError is safe too
    assert wrong not in str(err.value.__cause__)


def test_short_id_number_is_refused():
    with pytest.raises(CardReadError, match="身份证号校验失败：读出15位") as err:
        decode_base_msg(make_block(number=ID_NUMBER[:6] + ID_NUMBER[8:17]))
    _assert_no_number(err)


def test_short_block_raises_clearly():
    with pytest.raises(CardReadError, match="读卡数据不完整（100字节") as err:
        decode_base_msg(make_block()[:100])
    assert err.value.kind == "bad_data"
    with pytest.raises(CardReadError, match="不完整（0字节"):
        decode_base_msg(b"")
    # the fields end at byte 220; the reserved tail may be missing
    assert decode_base_msg(make_block()[:220]).id_number == ID_NUMBER


def test_bad_validity_date_raises():
    with pytest.raises(CardReadError, match="有效期截止日期“20401301”"):
        decode_base_msg(make_block(valid_to="20401301"))


def test_foreigner_card_is_reported_as_unsupported():
    with pytest.raises(CardReadError, match="外国人永久居留身份证") as err:
        decode_base_msg(make_block(card_type="I"))
    assert err.value.kind == "unsupported"


def test_undecodable_text_raises():
    block = bytearray(make_block())
    block[0:2] = b"\x00\xd8"  # a lone high surrogate in the name
    with pytest.raises(CardReadError, match="读卡数据有误"):
        decode_base_msg(bytes(block))


def test_card_repr_masks_number_and_hides_address_and_photo():
    card = decode_base_msg(make_block(), PHOTO)
    text = repr(card)
    assert ID_NUMBER not in text and idcard.mask(ID_NUMBER) in text
    assert ADDRESS not in text and "<1024 bytes>" in text
    assert str(card) == text


def test_card_read_error_kind():
    err = CardReadError("未找到读卡器（端口1001）", kind="no_reader")
    again = pickle.loads(pickle.dumps(err))
    assert again.kind == "no_reader" and str(again) == str(err)
    assert CardReadError("x").kind == "read_failed"
    with pytest.raises(ValueError):
        CardReadError("x", kind="nonsense")


# -- SdtReader over a fake C library ------------------------------------------------------------

_LIB_SUFFIX = ".dll" if sys.platform == "win32" else ".so"


def _compile(tmp: Path, name: str, *defines: str) -> Path:
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        pytest.skip("no C compiler (gcc/cc) on this machine: cannot build the fake SDT library")
    out = tmp / f"{name}{_LIB_SUFFIX}"
    command = [compiler, "-shared", "-fPIC", "-O1", *defines, "-o", str(out), str(FIXTURES / "fake_sdtapi.c")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        pytest.fail(f"compiling the fake SDT library failed:\n{result.stderr}")
    return out


@pytest.fixture(scope="module")
def fake_lib_path(tmp_path_factory) -> Path:
    return _compile(tmp_path_factory.mktemp("sdt"), "libfake_sdtapi")


@pytest.fixture(scope="module")
def fake_lib_without_read(tmp_path_factory) -> Path:
    return _compile(tmp_path_factory.mktemp("sdt_partial"), "libfake_partial", "-DFAKE_OMIT_READ")


class FakeControls:
    """The fake library's fake_* exports (same process, so the same state SdtReader sees)."""

    def __init__(self, path: Path) -> None:
        loader = ctypes.WinDLL if sys.platform == "win32" else ctypes.CDLL
        self.lib = loader(str(path))
        self.lib.fake_set_card.argtypes = [ctypes.c_char_p, ctypes.c_int]
        self.lib.fake_set_photo.argtypes = [ctypes.c_char_p, ctypes.c_int]
        self.lib.fake_set_results.argtypes = [ctypes.c_int, ctypes.c_int]
        self.lib.fake_reset()

    def put_card(self, block: bytes, photo: bytes = PHOTO) -> None:
        self.lib.fake_set_card(block, len(block))
        self.lib.fake_set_photo(photo, len(photo))

    def remove_card(self) -> None:
        self.lib.fake_set_card(None, 0)


@pytest.fixture
def fake(fake_lib_path) -> FakeControls:
    controls = FakeControls(fake_lib_path)
    yield controls
    controls.lib.fake_reset()


def test_sdt_no_card_returns_none(fake, fake_lib_path):
    with SdtReader(fake_lib_path) as reader:
        assert reader.read_card() is None
        assert reader.last_status == 0x80
        assert fake.lib.fake_port_open() == 1
    assert fake.lib.fake_port_open() == 0
    assert fake.lib.fake_open_calls() == 1 and fake.lib.fake_close_calls() == 1


def test_sdt_reads_card(fake, fake_lib_path):
    block = make_block()
    fake.put_card(block)
    reader = SdtReader(str(fake_lib_path), port=1001)
    try:
        card = reader.read_card()  # opens the port on first use
        assert card == decode_base_msg(block, PHOTO)
        assert card.photo_wlt == PHOTO and card.id_number == ID_NUMBER
        assert reader.last_status == 0x9F
        fake.remove_card()
        assert reader.read_card() is None
    finally:
        reader.close()
        reader.close()  # twice is harmless
    assert fake.lib.fake_open_calls() == 1


def test_sdt_declares_argtypes(fake, fake_lib_path):
    reader = SdtReader(fake_lib_path)
    reader.open()
    try:
        lib = reader._lib
        assert len(lib.SDT_ReadBaseMsg.argtypes) == 6 and lib.SDT_ReadBaseMsg.restype is ctypes.c_int
        assert len(lib.SDT_StartFindIDCard.argtypes) == 3 and lib.SDT_OpenPort.argtypes == [ctypes.c_int]
    finally:
        reader.close()


def test_sdt_wrong_port_raises_naming_port(fake, fake_lib_path):
    with pytest.raises(CardReadError, match="未找到读卡器（端口1002）") as err:
        SdtReader(fake_lib_path, port=1002).open()
    assert err.value.kind == "no_reader"
    with pytest.raises(CardReadError, match="端口5000；USB 读卡器为1001–1016"):
        SdtReader(fake_lib_path, port=5000).read_card()


def test_sdt_missing_library_mentions_path(tmp_path):
    missing = tmp_path / "drivers" / "sdtapi.dll"
    with pytest.raises(CardReadError) as err:
        SdtReader(missing).open()
    assert str(missing) in str(err.value)
    assert "读卡器驱动库未找到" in str(err.value) and "请在设置中填写 sdtapi 库的路径" in str(err.value)
    assert err.value.kind == "no_library"
    with pytest.raises(CardReadError, match="未设置读卡器驱动库"):
        SdtReader("").read_card()
    with pytest.raises(CardReadError, match="读卡器驱动库未找到：no_such_sdtapi_lib"):
        SdtReader("no_such_sdtapi_lib").open()


def test_sdt_file_that_is_not_a_library(tmp_path):
    bogus = tmp_path / f"sdtapi{_LIB_SUFFIX}"
    bogus.write_text("not a library")
    with pytest.raises(CardReadError, match="读卡器驱动库无法加载") as err:
        SdtReader(bogus).open()
    assert str(bogus) in str(err.value)


def test_sdt_missing_symbol(fake_lib_without_read):
    with pytest.raises(CardReadError, match="缺少函数 SDT_ReadBaseMsg") as err:
        SdtReader(fake_lib_without_read).open()
    assert str(fake_lib_without_read) in str(err.value) and err.value.kind == "no_library"


@pytest.mark.parametrize(("select_code", "read_code", "shown"), [(0x81, 0x90, "0x81"), (0x90, 0x41, "0x41")])
def test_sdt_reader_errors_become_card_read_errors(fake, fake_lib_path, select_code, read_code, shown):
    fake.put_card(make_block())
    fake.lib.fake_set_results(select_code, read_code)
    with SdtReader(fake_lib_path) as reader, pytest.raises(CardReadError, match=f"读卡失败（代码{shown}）"):
        reader.read_card()


def test_sdt_bad_card_data_raises_without_number(fake, fake_lib_path):
    fake.put_card(make_block(sex="2"))
    with SdtReader(fake_lib_path) as reader, pytest.raises(CardReadError, match="性别") as err:
        reader.read_card()
    _assert_no_number(err)


def test_sdt_missing_photo_gives_none(fake, fake_lib_path):
    fake.put_card(make_block(), photo=b"")
    with SdtReader(fake_lib_path) as reader:
        assert reader.read_card().photo_wlt is None


def test_sdt_detect_port(fake, fake_lib_path):
    assert SdtReader.detect_port(fake_lib_path) == 1001
    assert fake.lib.fake_port_open() == 0


def test_sdt_reader_is_a_card_reader(fake_lib_path):
    reader = SdtReader(fake_lib_path)
    assert isinstance(reader, CardReader)
    assert "1001" in repr(reader)


# -- KeystrokeBurst -----------------------------------------------------------------------------


def _type(burst: KeystrokeBurst, text: str, start: float, gap: float) -> float:
    t = start
    for ch in text:
        burst.feed(ch, t)
        t += gap
    return t  # when the next key (Enter) comes


def test_fast_burst_is_a_reader():
    burst = KeystrokeBurst()
    t = _type(burst, ID_NUMBER, 100.0, 0.010)
    result = burst.enter(t)
    assert result == WedgeResult(ID_NUMBER, True)
    assert burst.text == ""


def test_slow_typing_is_typing():
    burst = KeystrokeBurst()
    result = burst.enter(_type(burst, ID_NUMBER, 0.0, 0.150))
    assert result == WedgeResult(ID_NUMBER, False)


def test_one_pause_mid_burst_is_typing():
    burst = KeystrokeBurst()
    t = _type(burst, ID_NUMBER[:9], 0.0, 0.010)
    t = _type(burst, ID_NUMBER[9:], t + 0.290, 0.010)  # one 300 ms gap
    assert burst.enter(t) == WedgeResult(ID_NUMBER, False)


def test_too_few_fast_chars_is_typing():
    burst = KeystrokeBurst()
    assert burst.enter(_type(burst, "6102021990", 0.0, 0.010)) == WedgeResult("6102021990", False)


def test_slow_enter_or_long_burst_is_typing():
    burst = KeystrokeBurst()
    t = _type(burst, ID_NUMBER, 0.0, 0.010)
    assert burst.enter(t + 0.5).from_reader is False  # Enter long after the last digit
    strict = KeystrokeBurst(max_total=0.1)
    assert strict.enter(_type(strict, ID_NUMBER, 0.0, 0.010)).from_reader is False


def test_thresholds_are_configurable():
    burst = KeystrokeBurst(min_chars=10, max_gap=0.2, max_total=3.0)
    assert burst.enter(_type(burst, "6102021990", 0.0, 0.150)).from_reader is True
    with pytest.raises(ValueError):
        KeystrokeBurst(min_chars=0)
    with pytest.raises(ValueError):
        KeystrokeBurst(max_gap=0)


def test_reset_clears_and_each_enter_starts_afresh():
    burst = KeystrokeBurst()
    _type(burst, "61020219", 0.0, 0.5)  # someone started typing slowly
    burst.reset()
    assert burst.text == ""
    assert burst.enter(_type(burst, ID_NUMBER, 10.0, 0.01)).from_reader is True
    assert burst.enter(20.0) == WedgeResult("", False)  # Enter alone
    assert burst.enter(_type(burst, ID_NUMBER, 30.0, 0.01)).from_reader is True


def test_time_going_backwards_is_typing_and_empty_keys_are_ignored():
    burst = KeystrokeBurst()
    t = _type(burst, ID_NUMBER[:9], 5.0, 0.01)
    burst.feed("", t)
    _type(burst, ID_NUMBER[9:], 1.0, 0.01)
    assert burst.enter(1.2) == WedgeResult(ID_NUMBER, False)


def test_wedge_result_repr_masks():
    text = repr(WedgeResult(ID_NUMBER, True))
    assert ID_NUMBER not in text and idcard.mask(ID_NUMBER) in text


def test_card_from_wedge_text():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in ID_NUMBER)
    assert card_from_wedge_text(ID_NUMBER + "\r\n") == ID_NUMBER
    assert card_from_wedge_text(full_width) == ID_NUMBER
    wrong = FIRST17 + ("1" if idcard.check_digit(FIRST17) != "1" else "2")
    with pytest.raises(CardReadError, match="身份证号校验失败") as err:
        card_from_wedge_text(wrong)
    _assert_no_number(err, wrong)
    with pytest.raises(CardReadError, match="应为18位"):
        card_from_wedge_text(ID_NUMBER[:15])
    with pytest.raises(CardReadError, match="没有送来身份证号"):
        card_from_wedge_text(" \r\n")


# -- FakeReader ---------------------------------------------------------------------------------


def test_fake_reader_hands_out_queue():
    card = decode_base_msg(make_block(), PHOTO)
    failure = CardReadError("读卡失败，请重新放置身份证")
    reader = FakeReader([None, card])
    assert isinstance(reader, CardReader)
    reader.put(failure)
    with reader:
        assert reader.read_card() is None
        assert reader.read_card() == card
        with pytest.raises(CardReadError, match="读卡失败"):
            reader.read_card()
        assert reader.read_card() is None  # queue empty: no card
        assert reader.pending() == 0 and reader.reads == 4
    assert reader.is_open is False


def test_fake_reader_can_fail_to_open():
    with pytest.raises(CardReadError, match="未找到读卡器") as err:
        FakeReader(fail_open=True).read_card()
    assert err.value.kind == "no_reader"
