"""Certificate and form templates: loading resources/templates/*.yaml, pre-filling and checking values.

Loading is idempotent like :mod:`app.services.setup.reference_data`: a missing template is added, one the
centre edited (``edited_locally``) is never overwritten, any other is updated when the file's
version is higher. Values flow ``prefill`` (from the lookup) -> the desk -> ``resolve`` (merged with
what the staff typed, checked, normalised to JSON-friendly values for the register's snapshot).
No Qt here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CertificateTemplate, Resident
from app.resources import resource_path
from app.services.admin.centre import certificate_issuer
from app.services.certificates.template_checks import validate_definition, validate_templates
from app.services.certificates.template_schema import CENTRE_ISSUER, PLACEHOLDER, placeholders
from app.services.certificates.template_spec import FieldSpec, TemplateSpec
from app.services.common.chinese import chinese_date
from app.services.population.resident_record import resident_json

__all__ = [
    "LoadResult",
    "TemplateFileError",
    "TemplateSpec",
    "TemplateValueError",
    "check_values",
    "load_templates",
    "prefill",
    "read_templates",
    "resolve",
    "save_template",
    "spec_of",
    "validate_definition",
]

_SEX = {"male": "男", "female": "女"}
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


class TemplateFileError(ValueError):
    """The shipped (or given) template files are invalid; ``problems`` lists every one."""

    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


class TemplateValueError(ValueError):
    """Values that cannot be printed; ``errors`` maps a field name to a message for the desk."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(f"{k}：{v}" for k, v in errors.items()))
        self.errors = errors


# ------------------------------------------------------------------------------------------ loading


def template_folder() -> Path:
    return resource_path("templates")


def read_templates(folder: Path | None = None) -> list[dict[str, Any]]:
    """The template definitions of ``folder`` (default: the shipped ones), all validated together."""
    definitions: list[dict[str, Any]] = []
    problems: list[str] = []
    for path in sorted((folder or template_folder()).glob("*.yaml")):
        try:
            with open(path, encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
        except (OSError, yaml.YAMLError) as exc:
            problems.append(f"{path.name} 读不出来：{exc}")
            continue
        if not isinstance(data, dict):
            problems.append(f"{path.name} 的内容不是“键: 值”的结构")
            continue
        if data.get("code") != path.stem:
            problems.append(f"{path.name}：文件名须与模板代码 {data.get('code')} 一致")
        definitions.append(data)
    problems += validate_templates(definitions)
    if problems:
        raise TemplateFileError(problems)
    return definitions


@dataclass(frozen=True)
class LoadResult:
    added: int = 0
    updated: int = 0
    kept_local: int = 0
    unchanged: int = 0


def load_templates(session: Session, folder: Path | None = None) -> LoadResult:
    """Put the shipped templates into the database (the caller commits). Raises TemplateFileError."""
    definitions = read_templates(folder)
    rows = {row.code: row for row in session.scalars(select(CertificateTemplate))}
    shipped = {d["code"] for d in definitions}
    taken = {row.serial_prefix: code for code, row in rows.items() if code not in shipped}
    clashes = [
        f"编号前缀 {d['serial_prefix']} 已被本中心的模板 {taken[d['serial_prefix']]} 使用"
        for d in definitions
        if d["serial_prefix"] in taken
    ]
    if clashes:
        raise TemplateFileError(clashes)
    counts = dict.fromkeys(("added", "updated", "kept_local", "unchanged"), 0)
    for d in definitions:
        row = rows.get(d["code"])
        version = int(d.get("version", 1))
        if row is None:
            row = CertificateTemplate(code=d["code"])
            session.add(row)
            counts["added"] += 1
        elif row.edited_locally:
            counts["kept_local"] += 1
            continue
        elif version <= row.version:
            counts["unchanged"] += 1
            continue
        else:
            counts["updated"] += 1
        _apply(row, d)
    session.flush()
    return LoadResult(**counts)


def _apply(row: CertificateTemplate, definition: dict[str, Any]) -> None:
    row.title = definition["title"]
    row.serial_prefix = definition["serial_prefix"]
    row.follows = " ".join(definition["follows"].split())
    row.definition = definition
    row.version = int(definition.get("version", 1))


def save_template(session: Session, definition: dict[str, Any]) -> CertificateTemplate:
    """An administrator's new or changed template: validated, marked ``edited_locally``.

    Raises TemplateFileError with every problem (including a serial prefix another template uses).
    """
    problems = validate_definition(definition)
    if not problems:
        other = session.scalar(
            select(CertificateTemplate.code).where(
                CertificateTemplate.serial_prefix == definition["serial_prefix"],
                CertificateTemplate.code != definition["code"],
            )
        )
        if other:
            problems.append(f"编号前缀 {definition['serial_prefix']} 已被模板 {other} 使用")
    if problems:
        raise TemplateFileError(problems)
    row = session.get(CertificateTemplate, definition["code"])
    if row is None:
        row = CertificateTemplate(code=definition["code"])
        session.add(row)
    _apply(row, definition)
    row.edited_locally = True
    session.flush()
    return row


def spec_of(template: CertificateTemplate | TemplateSpec) -> TemplateSpec:
    if isinstance(template, TemplateSpec):
        return template
    return TemplateSpec.from_definition(template.definition)


# ------------------------------------------------------------------------------------------ values


def lookup_context(record: dict[str, Any], today: dt.date) -> dict[str, object]:
    """Every source path with its value, from ``resident_json``'s dict (sex in Chinese)."""
    household = record.get("household") or {}
    building = record.get("building") or {}
    grid = record.get("grid") or {}
    community = record.get("community") or {}
    leader = grid.get("leader") or {}
    members = [
        {**m, "index": i, "sex": _SEX.get(m.get("sex"), m.get("sex") or "")}
        for i, m in enumerate(household.get("members") or [], 1)
    ]
    context: dict[str, object] = {f"resident.{k}": record.get(k) for k in _RESIDENT_KEYS}
    context["resident.sex"] = _SEX.get(record.get("sex"), record.get("sex"))
    context.update(
        {
            "household.label": household.get("label"),
            "household.head": household.get("head"),
            "household.size": len(members) if household else None,
            "household.members": members,
            "building.name": building.get("name"),
            "building.address": building.get("address"),
            "grid.name": grid.get("name"),
            "grid.leader": leader.get("name"),
            "grid.leader_phone": leader.get("phone"),
            "grid.hotline": grid.get("hotline"),
            "community.name": community.get("name"),
            "street.name": community.get("street"),
            "computed.issue_date_cn": chinese_date(today),
            "computed.age": record.get("age"),
            "computed.today": today.isoformat(),
        }
    )
    return context


_RESIDENT_KEYS = [
    "name",
    "sex",
    "age",
    "birth_date",
    "ethnicity",
    "id_number",
    "phone",
    "hukou_address",
    "current_address",
    "relation_to_head",
]


def fill(text: str, values: dict[str, object]) -> str:
    """``text`` with each placeholder replaced by its value as plain text (blank when unknown)."""
    return PLACEHOLDER.sub(lambda m: display(values.get(m.group(1))), text)


_TYPED_DATE = re.compile(r"(\d{4})[-./](\d{1,2})(?:[-./](\d{1,2}))?")


def display(value: object) -> str:
    """A value as printed: dates 1971年7月11日, whole numbers without .0, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, str) and (typed := _TYPED_DATE.fullmatch(value.strip())):
        # 2015-03-01 or 2015-3 typed in a text field reads 2015年3月1日 / 2015年3月 in the body.
        year, month, day = (int(part) if part else None for part in typed.groups())
        if 1 <= month <= 12 and (day is None or 1 <= day <= 31):
            return f"{year}年{month}月" + (f"{day}日" if day else "")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def prefill(
    session: Session, template: CertificateTemplate | TemplateSpec, resident: Resident, today: dt.date
) -> dict[str, object]:
    """Values from the lookup and computed ones, plus staff defaults; keyed by field name.

    Also holds the source paths the template uses directly (e.g. ``community.name``,
    ``household.members``). Does not audit: the desk's lookup already did.
    """
    spec = spec_of(template)
    context = lookup_context(resident_json(session, resident, today), today)
    context[CENTRE_ISSUER] = certificate_issuer(session) if spec.uses(CENTRE_ISSUER) else None
    values: dict[str, object] = {}
    for f in spec.fields:
        if f.from_staff:
            default = f.default
            values[f.name] = fill(default, context) if isinstance(default, str) else default
        else:
            values[f.name] = context.get(f.source)
    for key in spec.source_keys():
        values[key] = context.get(key)
    return values


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def parse_date(value: object) -> dt.date | None:
    """2026-11-23, 2026/11/23, 2026.11.23 or 2026年11月23日 (or a date); None if not a real date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE.fullmatch(str(value).strip())
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def parse_number(value: object) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    text = str(value).strip().replace(",", "")
    if not _NUMBER.fullmatch(text):
        return None
    number = float(text)
    return int(number) if number.is_integer() else number


def check_field(f: FieldSpec, value: object) -> str | None:
    """The message for one field's value, or None when it can be printed."""
    if _blank(value):
        if not f.required:
            return None
        if f.from_staff or f.editable or f.source.startswith("resident."):
            return f"请填写“{f.label}”"
        return f"人口库中没有“{f.label}”（该居民可能没有登记住户），请先完善居民信息"
    text = value if isinstance(value, str) else display(value)
    if f.limit is not None and len(text.strip()) > f.limit:
        return f"“{f.label}”最多{f.limit}个字，现有{len(text.strip())}个"
    if f.type == "date" and parse_date(value) is None:
        return f"“{f.label}”不是有效的日期（例如 2026-11-23）"
    if f.type == "number":
        number = parse_number(value)
        if number is None:
            return f"“{f.label}”须为数字"
        if f.min is not None and number < f.min:
            return f"“{f.label}”不能小于{display(f.min)}"
        if f.max is not None and number > f.max:
            return f"“{f.label}”不能大于{display(f.max)}"
    if f.type == "choice" and str(value).strip() not in f.choices:
        return f"“{f.label}”只能选：{'、'.join(f.choices)}"
    if f.type != "multiline" and isinstance(value, str) and ("\n" in value.strip() or "\r" in value):
        return f"“{f.label}”不能换行"
    return None


def check_values(spec: TemplateSpec, values: dict[str, object]) -> dict[str, str]:
    """Field name -> message for every value the desk must correct (empty when all are fine)."""
    errors: dict[str, str] = {}
    for f in spec.fields:
        message = check_field(f, values.get(f.name))
        if message:
            errors[f.name] = message
    return errors


def _normalise(f: FieldSpec, value: object) -> object:
    if _blank(value):
        return ""
    if f.type == "date":
        return parse_date(value).isoformat()
    if f.type == "number":
        return parse_number(value)
    text = value if isinstance(value, str) else display(value)
    return text.strip() if f.type != "multiline" else text.strip("\n").rstrip()


def _gap(f: FieldSpec, prefilled: dict[str, object]) -> bool:
    """A blank the desk may fill: the resident's own record lacks it (e.g. no phone on file);
    household, grid and community facts come only from the register."""
    return f.source.startswith("resident.") and _blank(prefilled.get(f.name))


def resolve(spec: TemplateSpec, prefilled: dict[str, object], staff_values: dict[str, object]) -> dict:
    """The values to print: ``prefilled`` overlaid with ``staff_values``, checked and normalised.

    Staff may change editable fields, and fill a resident's own field only where the record has it
    blank (a certificate says what the population register says; correct the register instead).
    Dates become ISO text, numbers int/float, text is stripped. Raises TemplateValueError.
    """
    values = dict(prefilled)
    errors: dict[str, str] = {}
    for name, value in staff_values.items():
        f = spec.field(name)
        if f is None:
            errors[name] = f"模板“{spec.title}”没有“{name}”这一项"
        elif not f.editable and display(value) != display(prefilled.get(name)) and not _gap(f, prefilled):
            errors[name] = f"“{f.label}”取自人口库，不能在此修改；如有错误请先更正居民信息"
        else:
            values[name] = value
    for f in spec.fields:
        if _blank(values.get(f.name)) and f.from_staff and f.default is not None:
            default = f.default
            values[f.name] = fill(default, values) if isinstance(default, str) else default
    for name, message in check_values(spec, values).items():
        errors.setdefault(name, message)
    for key in spec.source_keys():
        if (
            key != "household.members"
            and _blank(values.get(key))
            and any(key in placeholders(text) for text in spec.texts())
        ):
            errors[key] = f"人口库中没有“{key}”（该居民可能没有登记住户）"
    if errors:
        raise TemplateValueError(errors)
    resolved: dict[str, object] = {f.name: _normalise(f, values.get(f.name)) for f in spec.fields}
    for key in spec.source_keys():
        resolved[key] = values.get(key) if key == "household.members" else display(values.get(key))
    return resolved
