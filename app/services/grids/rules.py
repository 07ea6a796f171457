"""What a grid and its staff may hold: field names as people know them, limits, phone numbers.

Shared by the desk's editor (app.services.grids.places) and the spreadsheet import
(app.services.imports.grids), so a value the editor refuses is refused by the import for the same
reason, in the same words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from app.models.staff import BUILDING_LEADER, GRID_LEADER, STAFF_ROLES
from app.services.common.chinese import parse_chinese_number

# attribute -> label, in the editor's order
GRID_FIELDS: dict[str, str] = {
    "code": "网格编码",
    "name": "网格名称",
    "boundary_east": "东至",
    "boundary_south": "南至",
    "boundary_west": "西至",
    "boundary_north": "北至",
    "coverage": "范围",
    "area_km2": "面积",
    "hotline": "服务电话",
    "star_rating": "星级",
}
BOUNDARIES = ("boundary_east", "boundary_south", "boundary_west", "boundary_north")
# Everything on the grid row is printed on its notice board; the code too, inside the QR (a URL
# with {grid_code}) and in the footer; so are the party branch and its secretary (not the phone).
BOARD_FIELDS = frozenset(GRID_FIELDS) | {"party_branch", "party_secretary"}
PARTY_FIELDS: dict[str, str] = {
    "party_branch": "网格党支部",
    "party_secretary": "支部书记",
    "party_secretary_phone": "书记电话",
}
STAFF_FIELDS: dict[str, str] = {
    "name": "姓名",
    "role": "角色",
    "phone": "电话",
    "organisation": "派出单位",
    "duty": "职责",
    "photo": "照片",
    "building_id": "楼栋",
}
MAX_LENGTH = {
    "code": 20,
    "name": 50,
    "boundary_east": 200,
    "boundary_south": 200,
    "boundary_west": 200,
    "boundary_north": 200,
    "coverage": 500,
    "party_branch": 80,
    "party_secretary": 50,
    "organisation": 80,
    "duty": 300,
}
MAX_AREA_KM2 = 100.0
MAX_PHOTO_BYTES = 2 * 1024 * 1024
ROLE_BY_NAME = {name: code for code, (name, _group) in STAFF_ROLES.items()}
_CODE = re.compile(r"[0-9A-Za-z-]{1,20}")


class GridEditError(ValueError):
    """A grid or staff change was refused; ``errors`` maps each field to its reason, and
    ``str(err)`` is every reason in one sentence for a message line."""

    def __init__(self, errors: Mapping[str, str] | str):
        self.errors = dict(errors) if isinstance(errors, Mapping) else {"": errors}
        super().__init__("；".join(self.errors.values()))


def clean_text(value: Any) -> str:
    """Full-width forms folded, runs of white space made one space, ends trimmed."""
    if value is None:
        return ""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(value))).strip()


def normalise_phone(value: Any) -> str:
    """A mobile (13800138000) or a landline with its area code (0919-3188000, extension as
    0919-3188000-801). "" for an empty value; ValueError with the reason otherwise."""
    text = clean_text(value)
    if not text:
        return ""
    parts = re.split(r"(转|分机|ext\.?|#)", text, maxsplit=1, flags=re.IGNORECASE)
    main, ext = parts[0], (parts[2] if len(parts) == 3 else "")
    dashed = re.fullmatch(r"\(?(0\d{2,3})\)?[-\s]?(\d{7,8})-(\d{1,6})", main.replace(" ", ""))
    if dashed and not ext:
        main, ext = dashed[1] + dashed[2], dashed[3]
    digits = re.sub(r"[\s()（）\-—–.]", "", main)
    digits = digits[3:] if digits.startswith("+86") else digits[4:] if digits.startswith("0086") else digits
    ext = re.sub(r"\s", "", ext)
    if digits.isdigit() and (not ext or ext.isdigit() and len(ext) <= 6):
        if re.fullmatch(r"1[3-9]\d{9}", digits) and not ext:
            return digits
        if digits.startswith("0") and len(digits) > 3:
            area_len = 3 if digits[1] in "12" else 4
            area, local = digits[:area_len], digits[area_len:]
            if len(local) in (7, 8) and local[0] not in "01":
                return f"{area}-{local}" + (f"-{ext}" if ext else "")
        if re.fullmatch(r"[2-9]\d{6,7}", digits):
            raise ValueError(f"电话“{text}”缺少区号，固定电话请写成 0919-3188000 这样")
    raise ValueError(f"电话“{text}”不是有效的手机号或固定电话（如 13800138000、0919-3188000）")


def parse_star(value: Any) -> int:
    """0–5 from 4, "4", "4星", "四星", "★★★★"; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("星级应为 0–5")
    if isinstance(value, int | float):
        if float(value).is_integer() and 0 <= value <= 5:
            return int(value)
        raise ValueError(f"星级“{value}”应为 0–5 的整数")
    text = clean_text(value).replace(" ", "")
    if text and set(text) <= {"★", "☆"}:
        return text.count("★")
    m = re.fullmatch(r"([0-5]|[零一二三四五])(星级?|星级网格)?", text)
    if not m:
        raise ValueError(f"星级“{text}”应为 0–5（可写 4、4星 或 四星）")
    return int(m[1]) if m[1].isdigit() else parse_chinese_number(m[1])


def parse_area(value: Any) -> float | None:
    """km² from 0.35, "0.35", "0.35平方公里", "0.35km²"; None for empty; ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        text = clean_text(value).replace(" ", "")
        if not text:
            return None
        m = re.fullmatch(r"(\d+(?:\.\d+)?)(平方公里|平方千米|km2|km²|k㎡)?", text, flags=re.IGNORECASE)
        if not m:
            raise ValueError(f"面积“{text}”应为平方公里数，如 0.35")
        number = float(m[1])
    if not 0 < number <= MAX_AREA_KM2:
        raise ValueError(f"面积应在 0 到 {MAX_AREA_KM2:g} 平方公里之间")
    return round(number, 4)


def check_length(field: str, label: str, text: str) -> None:
    limit = MAX_LENGTH.get(field)
    if limit is not None and len(text) > limit:
        raise ValueError(f"{label}过长（最多{limit}个字，现为{len(text)}个）")


def clean_grid_value(field: str, value: Any) -> Any:
    """One grid field as stored, or ValueError with the reason in the words of the editor."""
    label = GRID_FIELDS.get(field) or PARTY_FIELDS.get(field)
    if label is None:
        raise ValueError(f"未知字段“{field}”")
    if field == "star_rating":
        return parse_star(value)
    if field == "area_km2":
        return parse_area(value)
    if field in ("hotline", "party_secretary_phone"):
        return normalise_phone(value)
    text = clean_text(value)
    if field == "code":
        text = text.replace(" ", "")
        if not _CODE.fullmatch(text):
            raise ValueError("网格编码必须填写，只能由数字、字母和“-”组成，最多20位")
    if field in ("name", "party_branch") and not text:
        raise ValueError(f"{label}必须填写")
    check_length(field, label, text)
    return text


def clean_grid_values(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Every field of ``changes`` cleaned; GridEditError naming each bad field."""
    cleaned, errors = {}, {}
    for field, value in changes.items():
        try:
            cleaned[field] = clean_grid_value(field, value)
        except ValueError as exc:
            errors[field] = str(exc)
    if errors:
        raise GridEditError(errors)
    return cleaned


def role_code(value: Any) -> str:
    """A role from its code or its Chinese name (网格长, 综治网格员 …)."""
    text = clean_text(value).replace(" ", "")
    if text in STAFF_ROLES:
        return text
    if text in ROLE_BY_NAME:
        return ROLE_BY_NAME[text]
    names = "、".join(ROLE_BY_NAME)
    raise ValueError(f"角色“{text}”无法识别，应为：{names}" if text else "角色必须填写")


def photo_kind(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return ""


def clean_staff_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Staff fields as stored (building_id is checked against the grid by the caller)."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field, value in values.items():
        label = STAFF_FIELDS.get(field)
        try:
            if label is None:
                raise ValueError(f"未知字段“{field}”")
            if field == "role":
                cleaned[field] = role_code(value)
            elif field == "phone":
                cleaned[field] = normalise_phone(value)
            elif field == "photo":
                if value is not None and not isinstance(value, bytes | bytearray):
                    raise ValueError("照片应为图片文件内容")
                if value is not None and not photo_kind(bytes(value)):
                    raise ValueError("照片只支持 JPG 或 PNG 图片")
                if value is not None and len(value) > MAX_PHOTO_BYTES:
                    raise ValueError("照片过大（最多 2 MB），请先缩小")
                cleaned[field] = bytes(value) if value is not None else None
            elif field == "building_id":
                cleaned[field] = int(value) if value not in (None, "") else None
            else:
                text = (
                    clean_text(value)
                    if field != "duty"
                    else unicodedata.normalize("NFKC", str(value or "")).strip()
                )
                if field == "name" and not text:
                    raise ValueError("姓名必须填写")
                check_length(field, label, text)
                cleaned[field] = text
        except ValueError as exc:
            errors[field] = str(exc)
    if errors:
        raise GridEditError(errors)
    return cleaned


def check_staff_roles(role: str, phone: str, building_id: int | None) -> dict[str, str]:
    """Rules across fields: the grid leader's phone is on the board; only 楼栋长 sit in a building."""
    errors = {}
    if role == GRID_LEADER and not phone:
        errors["phone"] = "网格长的电话印在公示牌上，必须填写"
    if building_id is not None and role != BUILDING_LEADER:
        errors["building_id"] = "只有楼栋长关联楼栋"
    return errors


def shown_value(field: str, value: Any) -> str:
    """A value as the audit log and the import report write it."""
    if value is None or value == "":
        return "（空）"
    if field == "area_km2":
        return f"{value:g}平方公里"
    if field == "star_rating":
        return f"{value}星"
    if field == "photo":
        return "有照片"
    return str(value)
