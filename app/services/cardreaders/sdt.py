"""Readers that speak the common SDT API (``sdtapi.dll`` / ``libsdtapi.so``) through ctypes.

Most second-generation ID-card readers sold in China ship a library with this interface
(TECH-NOTES.md, "ID card readers"): open a port (USB 1001-1016, serial 1-16), find a card
(0x9F), select it (0x90), read the base message (0x90) = a 256-byte UTF-16LE text block plus the
1024-byte "wlt" photo. ``decode_base_msg`` turns the text block into a ``CardData`` and checks it
against the ID number's own birth date and sex, so a misread card is refused, not stored.

Error messages never contain the ID number.
"""

from __future__ import annotations

import ctypes
import datetime
import os
import sys
import threading
from pathlib import Path

from app.services.cardreaders import ethnicity
from app.services.cardreaders.base import CardData, CardReader, CardReadError
from app.services.common import idcard

SUCCESS = 0x90
CARD_FOUND = 0x9F
TEXT_BLOCK_SIZE = 256
PHOTO_BLOCK_SIZE = 1024
USB_PORTS = range(1001, 1017)
SERIAL_PORTS = range(1, 17)

# Byte ranges in the text block (UTF-16LE, two bytes a character, padded with spaces).
FIELDS: dict[str, tuple[int, int]] = {
    "name": (0, 30),
    "sex": (30, 32),
    "ethnicity": (32, 36),
    "birth_date": (36, 52),
    "address": (52, 122),
    "id_number": (122, 158),
    "authority": (158, 188),
    "valid_from": (188, 204),
    "valid_to": (204, 220),
}
_FIELDS_END = max(end for _start, end in FIELDS.values())
# Reserved on the resident ID card (spaces); newer readers put a card-type letter here, "I" for
# the foreigner's permanent residence card, whose text block has a different layout.
CARD_TYPE = (248, 250)
FOREIGNER_CARD_TYPE = "I"
LONG_TERM = "长期"
_PADDING = " \x00\u3000"
_SEX_CODES = {"1": "male", "2": "female"}  # GB/T 2261.1
_SEX_NAMES = {"male": "男", "female": "女"}
_LIBRARY_HINT = "请在设置中填写 sdtapi 库的路径"


def _field(text: bytes, key: str) -> str:
    start, end = FIELDS[key]
    try:
        value = text[start:end].decode("utf-16-le")
    except UnicodeDecodeError:
        raise CardReadError("读卡数据有误，请重新放置身份证", kind="bad_data") from None
    return value.strip(_PADDING)


def _date(value: str, label: str) -> datetime.date:
    """A YYYYMMDD date from the card; the message names the field and never the ID number."""
    if len(value) == 8 and value.isascii() and value.isdigit():
        try:
            return datetime.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            pass
    raise CardReadError(f"读卡数据有误：{label}“{value}”不是有效日期，请重新放置身份证", kind="bad_data")


def decode_base_msg(
    text: bytes, photo: bytes | None = None, *, today: datetime.date | None = None
) -> CardData:
    """Decode the text block read by ``SDT_ReadBaseMsg`` (and keep the raw photo).

    Raises CardReadError when the block is too short, a field is unreadable, the ID number fails
    its checks, or the sex or birth date on the card disagree with the ID number. ``today`` is
    passed to ``idcard.parse`` (tests). An unknown ethnicity code does not fail the read."""
    text = bytes(text)
    if len(text) < _FIELDS_END:
        raise CardReadError(
            f"读卡数据不完整（{len(text)}字节，应为{TEXT_BLOCK_SIZE}字节），请重新放置身份证",
            kind="bad_data",
        )
    if len(text) >= CARD_TYPE[1]:
        card_type = text[CARD_TYPE[0] : CARD_TYPE[1]].decode("utf-16-le", "replace").strip(_PADDING)
        if card_type == FOREIGNER_CARD_TYPE:
            raise CardReadError("这是外国人永久居留身份证，暂不支持读取，请手工录入", kind="unsupported")

    number = idcard.normalise(_field(text, "id_number"))
    if len(number) != 18:
        raise CardReadError(
            f"身份证号校验失败：读出{len(number)}位，应为18位，请重新放置身份证", kind="bad_data"
        )
    try:
        info = idcard.parse(number, today=today)
    except idcard.IdNumberError as err:  # its message never repeats the whole number
        raise CardReadError(f"身份证号校验失败：{err}", kind="bad_data") from err

    sex_code = _field(text, "sex")
    if sex_code not in _SEX_CODES:
        raise CardReadError(f"读卡数据有误：性别代码“{sex_code}”无法识别，请重新放置身份证", kind="bad_data")
    sex = _SEX_CODES[sex_code]
    if sex != info.sex:
        raise CardReadError(
            f"身份证信息不一致：卡面性别为“{_SEX_NAMES[sex]}”，与身份证号不符，请人工核对证件",
            kind="bad_data",
        )
    birth = _date(_field(text, "birth_date"), "出生日期")
    if birth != info.birth_date:
        raise CardReadError("身份证信息不一致：卡面出生日期与身份证号不符，请人工核对证件", kind="bad_data")

    valid_from_text = _field(text, "valid_from")
    valid_to_text = _field(text, "valid_to")
    long_term = valid_to_text == LONG_TERM
    return CardData(
        name=_field(text, "name"),
        sex=sex,
        ethnicity=ethnicity.name(_field(text, "ethnicity")),
        birth_date=birth,
        address=_field(text, "address"),
        id_number=info.number,
        authority=_field(text, "authority"),
        valid_from=_date(valid_from_text, "有效期起始日期") if valid_from_text else None,
        valid_to=None if long_term or not valid_to_text else _date(valid_to_text, "有效期截止日期"),
        long_term=long_term,
        photo_wlt=None if photo is None else bytes(photo),
    )


def _port_text(port: int) -> str:
    if port in USB_PORTS or port in SERIAL_PORTS:
        return f"端口{port}"
    return f"端口{port}；USB 读卡器为1001–1016，串口为1–16"


class SdtReader(CardReader):
    """A reader driven through the SDT API library at ``library_path`` on ``port``.

    ``open()`` loads the library and opens the port; ``read_card()`` opens on first use, then
    finds, selects and reads a card. Calls are serialised with a lock, and each ``read_card`` can
    block for a fraction of a second, so poll from a worker thread, not the GUI thread.
    ``last_status`` keeps the last code ``SDT_StartFindIDCard`` returned, for diagnostics."""

    name = "SDT 身份证读卡器"

    def __init__(self, library_path: str | os.PathLike[str], port: int = 1001) -> None:
        self.library_path = str(library_path) if library_path else ""
        self.port = int(port)
        self.last_status: int | None = None
        self._lib: ctypes.CDLL | None = None
        self._dll_dir = None
        self._is_open = False
        self._lock = threading.Lock()

    # -- library -----------------------------------------------------------------------------
    def _load(self) -> ctypes.CDLL:
        if self._lib is not None:
            return self._lib
        path = self.library_path
        if not path:
            raise CardReadError(f"未设置读卡器驱动库，{_LIBRARY_HINT}", kind="no_library")
        has_folder = os.sep in path or (os.altsep is not None and os.altsep in path)
        if has_folder and not Path(path).is_file():
            raise CardReadError(f"读卡器驱动库未找到：{path}，{_LIBRARY_HINT}", kind="no_library")
        try:
            if sys.platform == "win32":
                # Vendor DLLs load companions (e.g. the wlt decoder) from their own folder, which
                # Python 3.8+ no longer searches by default. Kept for the process's lifetime,
                # because some companions are only loaded when first needed.
                if has_folder and self._dll_dir is None:
                    self._dll_dir = os.add_dll_directory(str(Path(path).resolve().parent))
                lib = ctypes.WinDLL(path)  # the SDT API is __stdcall on Windows
            else:
                lib = ctypes.CDLL(path)
        except OSError as err:
            if not has_folder:
                raise CardReadError(
                    f"读卡器驱动库未找到：{path}，{_LIBRARY_HINT}", kind="no_library"
                ) from err
            raise CardReadError(
                f"读卡器驱动库无法加载：{path}（{err}）。请确认驱动已安装，且与本程序同为32位或64位",
                kind="no_library",
            ) from err
        self._declare(lib)
        self._lib = lib
        return lib

    def _declare(self, lib: ctypes.CDLL) -> None:
        c_int, c_uint, bytes_p = ctypes.c_int, ctypes.c_uint, ctypes.POINTER(ctypes.c_ubyte)
        signatures = {
            "SDT_OpenPort": [c_int],
            "SDT_ClosePort": [c_int],
            "SDT_StartFindIDCard": [c_int, bytes_p, c_int],
            "SDT_SelectIDCard": [c_int, bytes_p, c_int],
            "SDT_ReadBaseMsg": [
                c_int,
                bytes_p,
                ctypes.POINTER(c_uint),
                bytes_p,
                ctypes.POINTER(c_uint),
                c_int,
            ],
        }
        for symbol, argtypes in signatures.items():
            try:
                function = getattr(lib, symbol)
            except AttributeError:
                raise CardReadError(
                    f"读卡器驱动库缺少函数 {symbol}：{self.library_path}，"
                    f"它可能不是 sdtapi 库，{_LIBRARY_HINT}",
                    kind="no_library",
                ) from None
            function.argtypes = argtypes
            function.restype = c_int

    # -- CardReader --------------------------------------------------------------------------
    def open(self) -> None:
        with self._lock:
            self._open_locked()

    def _open_locked(self) -> None:
        if self._is_open:
            return
        lib = self._load()
        status = lib.SDT_OpenPort(self.port)
        if status != SUCCESS:
            raise CardReadError(f"未找到读卡器（{_port_text(self.port)}）", kind="no_reader")
        self._is_open = True

    def close(self) -> None:
        with self._lock:
            if self._is_open and self._lib is not None:
                self._lib.SDT_ClosePort(self.port)
            self._is_open = False

    def read_card(self) -> CardData | None:
        with self._lock:
            self._open_locked()
            lib = self._lib
            assert lib is not None
            scratch = (ctypes.c_ubyte * 16)()
            # ifOpen = 0: the port is already open, the library must not open/close it per call.
            status = lib.SDT_StartFindIDCard(self.port, scratch, 0)
            self.last_status = status
            if status != CARD_FOUND:
                return None
            status = lib.SDT_SelectIDCard(self.port, scratch, 0)
            if status != SUCCESS:
                raise CardReadError(f"读卡失败（代码0x{status:02X}），请重新放置身份证")
            text = (ctypes.c_ubyte * TEXT_BLOCK_SIZE)()
            photo = (ctypes.c_ubyte * PHOTO_BLOCK_SIZE)()
            text_len, photo_len = ctypes.c_uint(0), ctypes.c_uint(0)
            status = lib.SDT_ReadBaseMsg(
                self.port, text, ctypes.byref(text_len), photo, ctypes.byref(photo_len), 0
            )
            if status != SUCCESS:
                raise CardReadError(f"读卡失败（代码0x{status:02X}），请重新放置身份证")
            text_bytes = bytes(text)[: min(text_len.value, TEXT_BLOCK_SIZE)]
            n_photo = min(photo_len.value, PHOTO_BLOCK_SIZE)
            photo_bytes = bytes(photo)[:n_photo] if n_photo else None
        return decode_base_msg(text_bytes, photo_bytes)

    def __enter__(self) -> SdtReader:
        self.open()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @classmethod
    def detect_port(cls, library_path: str | os.PathLike[str]) -> int | None:
        """The first port (USB 1001-1016, then serial 1-16) where a reader answers, or None.
        For a settings dialog's "auto-detect" button; raises CardReadError if the library is
        unusable."""
        probe = cls(library_path)
        lib = probe._load()
        for port in (*USB_PORTS, *SERIAL_PORTS):
            if lib.SDT_OpenPort(port) == SUCCESS:
                lib.SDT_ClosePort(port)
                return port
        return None

    def __repr__(self) -> str:
        return f"SdtReader(library_path={self.library_path!r}, port={self.port})"
