"""Reading a spreadsheet (.xlsx or .csv) into plain rows for the importers.

Only the file format is handled here: which sheet, which encoding, which row number. What the
columns mean is the importer's business. Every problem with the file itself becomes an
:class:`ImportFileError` with one sentence the person at the desk can act on.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.services.common.text import clean_text, removed_characters

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls, and password-protected .xlsx
_SCIENTIFIC = re.compile(r"\d+(\.\d+)?e\+?\d+", re.IGNORECASE)
_TEXT_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s+0{1,2}:00(?::00)?)?")


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; ``str(err)`` is one sentence for the user."""


class RowRejected(Exception):
    """One row cannot be imported; the message is the reason shown to the user. Raised while a
    row is checked, caught by the importer, which reports it as a :class:`RejectedRow`."""


@dataclass(frozen=True)
class RejectedRow:
    row: int  # as shown in Excel / the CSV line number
    reason: str  # in Chinese, never with a whole ID number


@dataclass(frozen=True)
class CorrectedCell:
    """A cell whose control or bidi characters were taken out at import (see clean_text)."""

    row: int
    column: str  # the column's usual header, e.g. 姓名
    removed: tuple[str, ...]  # the characters as U+202E …; never the text, which may be an ID number
    sheet: str = ""  # for a workbook of several sheets (网格, 人员)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"row": self.row, "column": self.column, "removed": list(self.removed)}
        return {"sheet": self.sheet, **data} if self.sheet else data


class CellCleaner:
    """Takes control and bidi characters out of the text cells an importer reads, before it reads
    them, and keeps the list of what it corrected for the report. ``headers`` as for HeaderMap;
    the fields in ``multiline`` keep their line breaks."""

    def __init__(
        self, headers: dict[str, tuple[str, ...]], *, multiline: Iterable[str] = (), sheet: str = ""
    ):
        self.labels = {key: names[0] for key, names in headers.items()}
        self.multiline = frozenset(multiline)
        self.sheet = sheet
        self.corrected: list[CorrectedCell] = []

    def clean(self, number: int, cells: list[Any], columns: dict[str, int]) -> list[Any]:
        cleaned = list(cells)
        for key, index in sorted(columns.items(), key=lambda item: item[1]):
            value = cells[index] if index < len(cells) else None
            if not isinstance(value, str):
                continue
            multiline = key in self.multiline
            removed = removed_characters(value, multiline=multiline)
            if removed:
                cleaned[index] = clean_text(value, multiline=multiline)
                self.corrected.append(CorrectedCell(number, self.labels[key], tuple(removed), self.sheet))
        return cleaned


@dataclass
class SheetRows:
    """The header row and the data rows under it, each with its row number as the user sees it
    (the Excel row number, or the CSV line number)."""

    header_row: int
    header: list[Any]
    rows: list[tuple[int, list[Any]]]


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalise_header(value: Any) -> str:
    """ "* 姓名（必填）" → "姓名": full-width forms folded, spaces, star markers, colons and any
    bracketed note dropped."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】|<[^>]*>|〔[^〕]*〕", "", text)
    return text.strip("*:：")


class HeaderMap:
    """Finds columns by their usual Chinese headers: ``headers`` maps a field to the header
    spellings people use (姓名; 身份证号 / 公民身份号码 …); the first matching column wins."""

    def __init__(self, headers: dict[str, tuple[str, ...] | list[str]], required: Iterable[str]):
        self.headers = headers
        self.aliases = {alias: key for key, names in headers.items() for alias in names}
        self.required = tuple(required)

    def columns(self, header: list[Any]) -> dict[str, int]:
        """field -> column index for the recognised headers."""
        found: dict[str, int] = {}
        for index, cell in enumerate(header):
            key = self.aliases.get(normalise_header(cell))
            if key is not None and key not in found:
                found[key] = index
        return found

    def is_header(self, header: list[Any]) -> bool:
        """Every required field has a column: this row is the header."""
        columns = self.columns(header)
        return all(k in columns for k in self.required)

    def require(self, header: list[Any], header_row: int, hint: str = "") -> dict[str, int]:
        """The columns, or ImportFileError naming the required headers that are missing and the
        ones found (``hint`` says how a missing one may be written)."""
        columns = self.columns(header)
        missing = [self.headers[k][0] for k in self.required if k not in columns]
        if missing:
            found = [h for h in (normalise_header(c) for c in header) if h]
            raise ImportFileError(
                f"表头（第{header_row}行）缺少必填列：{'、'.join(missing)}{hint}；"
                f"找到的列：{'、'.join(found[:20]) or '无'}"
            )
        return columns


def read_table(path: Path, is_header: Callable[[list[Any]], bool] | None = None) -> SheetRows:
    """The rows of ``path``; the first non-empty row is the header.

    For a workbook with several sheets, the first sheet (the active one first) whose header
    satisfies ``is_header`` is taken, else the active sheet.
    """
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"找不到文件“{path.name}”")
    if not path.is_file():
        raise ImportFileError(f"“{path.name}”不是一个文件")
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path, is_header)
    if suffix in CSV_SUFFIXES:
        return _read_csv(path)
    if suffix == ".xls":
        raise ImportFileError(
            f"不支持旧版 Excel 文件“{path.name}”，请在 Excel 中另存为 .xlsx 或 .csv 后再导入"
        )
    raise ImportFileError(f"不支持的文件类型“{path.suffix or path.name}”，请使用 .xlsx 或 .csv 文件")


def _split(rows: Iterable[tuple[int, list[Any]]], name: str) -> SheetRows:
    header_row, header = 0, None
    data: list[tuple[int, list[Any]]] = []
    for number, cells in rows:
        if header is None:
            if all(is_blank(c) for c in cells):
                continue
            header_row, header = number, cells
        else:
            data.append((number, cells))
    if header is None:
        raise ImportFileError(f"文件“{name}”是空的，找不到表头行")
    return SheetRows(header_row, header, data)


# --- cells ---------------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as clean text: full-width forms folded, whole-number floats without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def in_scientific_notation(text: str) -> bool:
    """Text such as "6.10202E+17": a long number that Excel showed in scientific notation and that
    was saved that way, its last digits lost."""
    return _SCIENTIFIC.fullmatch(text) is not None


def cell_date(value: Any) -> dt.date | None:
    """Excel date cells, numbers like 19900102 or an Excel serial, and text dates."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 10000101 <= value <= 99991231:
            value = str(int(value))
        elif 0 < value < 2958466:
            from openpyxl.utils.datetime import from_excel  # openpyxl loads only when a file is read

            return from_excel(value).date()
        else:
            return None
    text = re.sub(r"\s+", " ", cell_text(value))
    try:
        if re.fullmatch(r"\d{8}", text):
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        m = _TEXT_DATE.fullmatch(text)
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    return None


# --- xlsx ----------------------------------------------------------------------------------------


def _read_xlsx(path: Path, is_header: Callable[[list[Any]], bool] | None) -> SheetRows:
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic == _OLE_MAGIC:
        raise ImportFileError(
            f"“{path.name}”不是 .xlsx 格式（可能是旧版 .xls 或设置了打开密码），请在 Excel 中另存为 .xlsx 后再导入"
        )
    if magic != _ZIP_MAGIC:
        raise ImportFileError(f"无法读取“{path.name}”：文件已损坏或不是 Excel（.xlsx）文件")
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, InvalidFileException, KeyError, XML errors …
        raise ImportFileError(f"无法读取“{path.name}”：文件已损坏或不是 Excel（.xlsx）文件") from exc
    try:
        sheets = list(workbook.worksheets)
        if not sheets:
            raise ImportFileError(f"“{path.name}”中没有工作表")
        active = workbook.active if workbook.active in sheets else sheets[0]
        ordered = [active] + [s for s in sheets if s is not active]
        chosen = active
        if is_header is not None and len(ordered) > 1:
            for sheet in ordered:
                first = _first_nonblank(sheet)
                if first is not None and is_header(first):
                    chosen = sheet
                    break
        chosen.reset_dimensions()  # some writers declare wrong dimensions; read what is there
        rows = ((n, list(cells)) for n, cells in enumerate(chosen.iter_rows(values_only=True), start=1))
        return _split(rows, path.name)
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged sheet inside a valid zip fails only while reading
        raise ImportFileError(f"无法读取“{path.name}”：文件内容已损坏，请在 Excel 中打开后重新保存") from exc
    finally:
        workbook.close()


def _first_nonblank(sheet: Any) -> list[Any] | None:
    sheet.reset_dimensions()
    for cells in sheet.iter_rows(values_only=True):
        if not all(is_blank(c) for c in cells):
            return list(cells)
    return None


# --- csv -----------------------------------------------------------------------------------------


def decode_text(raw: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else GB18030."""
    if raw.startswith(_ZIP_MAGIC) or raw.startswith(_OLE_MAGIC):
        raise ImportFileError(
            f"“{name}”实际上是 Excel 文件，不是 CSV 文本，请把扩展名改为 .xlsx 或另存为 CSV"
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text:
                return text
    raise ImportFileError(
        f"无法识别“{name}”的文字编码（不是 UTF-8 也不是 GBK），请用 Excel 另存为“CSV UTF-8”后再导入"
    )


def _read_csv(path: Path) -> SheetRows:
    text = decode_text(path.read_bytes(), path.name)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Any]]] = []
    try:
        while True:
            start = reader.line_num + 1  # a quoted cell may span lines: report where the record starts
            try:
                cells = next(reader)
            except StopIteration:
                break
            rows.append((start, cells))
    except csv.Error as exc:
        raise ImportFileError(f"“{path.name}”第{reader.line_num}行不是有效的 CSV 格式：{exc}") from exc
    return _split(rows, path.name)
