"""Checking a template definition before it is loaded or saved (its vocabulary is in
:mod:`template_schema`).

Templates are edited by administrators, so every problem is one Chinese sentence that names the
template and the place, and all problems are reported at once.
"""

from __future__ import annotations

from typing import Any

from app.services.certificates.template_schema import (
    BODY_STYLES,
    CODE_PATTERN,
    FIELD_KEYS,
    KINDS,
    MEMBER_KEYS,
    MEMBERS_SOURCE,
    NAME_PATTERN,
    PHOTO_ROWS,
    PREFIX_PATTERN,
    SOURCES,
    TOP_KEYS,
    TYPES,
    placeholders,
)


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def validate_definition(definition: dict[str, Any]) -> list[str]:
    """Every problem of one template definition, as Chinese sentences; empty when it is valid."""
    if not isinstance(definition, dict):
        return ["模板内容不是“键: 值”的结构"]
    d = definition
    where = f"模板 {d.get('code') or '（无代码）'}"
    problems: list[str] = []
    add = problems.append
    for key in sorted(set(d) - TOP_KEYS):
        add(f"{where}：不认识的项“{key}”")
    if not (isinstance(d.get("code"), str) and CODE_PATTERN.fullmatch(d["code"])):
        add(f"{where}：code 须为 2 至 10 位大写字母或数字，以字母开头")
    for key, name, limit in (("title", "标题", 60), ("follows", "参照的公开表样（follows）", 200)):
        if not _text(d.get(key)):
            add(f"{where}：缺少{name}")
        elif len(" ".join(d[key].split())) > limit:
            add(f"{where}：{name}最多{limit}个字")
    if not (isinstance(d.get("serial_prefix"), str) and PREFIX_PATTERN.fullmatch(d["serial_prefix"])):
        add(f"{where}：编号前缀（serial_prefix）须为 2 至 4 位大写字母")
    if d.get("kind") not in KINDS:
        add(f"{where}：kind 须为 certificate（证明）或 form（表格）")
    if not (isinstance(d.get("version", 1), int) and d.get("version", 1) >= 1):
        add(f"{where}：version 须为正整数")
    if not isinstance(d.get("self_service", False), bool):
        add(f"{where}：self_service 须为 true 或 false")
    names = _check_fields(d.get("fields"), where, add)
    used: set[str] = set()

    def check_text(text: object, place: str) -> None:
        if not isinstance(text, str):
            add(f"{where}：{place}须为文字")
            return
        for name in placeholders(text):
            if name in names:
                used.add(name)
            elif name not in SOURCES:
                add(f"{where}：{place}的占位符 {{{name}}} 没有对应的字段")

    field_types = {f.get("name"): f.get("type", "text") for f in d.get("fields") or [] if isinstance(f, dict)}
    table_ids = _check_tables(d.get("tables"), names, used, where, add, field_types)
    kind = d.get("kind")
    body = d.get("body") or []
    if kind == "certificate" and not body:
        add(f"{where}：证明须有正文（body）")
    referenced: set[str] = set()
    for i, part in enumerate(body if isinstance(body, list) else [], 1):
        place = f"正文第{i}段"
        if isinstance(part, dict) and "table" in part:
            if part["table"] not in table_ids:
                add(f"{where}：{place}引用的表格“{part['table']}”不存在")
            referenced.add(part["table"])
        elif isinstance(part, dict):
            if part.get("style", "body") not in BODY_STYLES:
                add(f"{where}：{place}的 style 须为 {'、'.join(BODY_STYLES)} 之一")
            check_text(part.get("text"), place)
        else:
            check_text(part, place)
    if kind == "certificate":
        for table_id in sorted(set(table_ids) - referenced):
            add(f"{where}：表格“{table_id}”没有在正文中用 {{table: {table_id}}} 引用")
        signature = d.get("signature")
        if not isinstance(signature, dict) or not _text(signature.get("issuer")):
            add(f"{where}：证明须有落款（signature.issuer）")
        else:
            check_text(signature["issuer"], "落款")
            if set(signature) - {"issuer", "seal", "seal_label"}:
                add(f"{where}：落款只能有 issuer、seal、seal_label")
    if kind == "form":
        if not table_ids:
            add(f"{where}：表格须有 tables")
        _check_sign_rows(d.get("sign_rows"), where, add)
    stub = d.get("stub")
    if stub is not None:
        if not isinstance(stub, dict) or not _text(stub.get("title")) or not stub.get("body"):
            add(f"{where}：存根（stub）须有 title 和 body")
        else:
            for i, text in enumerate(stub["body"], 1):
                check_text(text, f"存根第{i}段")
    for i, text in enumerate(d.get("footer") or [], 1):
        check_text(text, f"页脚第{i}条")
    for f in d.get("fields") or []:
        if isinstance(f, dict) and isinstance(f.get("default"), str):
            check_text(f["default"], f"字段“{f.get('name')}”的默认值")
    for name in names:
        if name not in used:
            add(f"{where}：字段“{name}”没有在正文、表格或页脚中用到")
    return problems


def _check_fields(fields: object, where: str, add) -> list[str]:
    if not isinstance(fields, list) or not fields:
        add(f"{where}：缺少字段列表（fields）")
        return []
    names: list[str] = []
    for i, f in enumerate(fields, 1):
        if not isinstance(f, dict):
            add(f"{where}：第{i}个字段不是“键: 值”的结构")
            continue
        name = f.get("name")
        label = f"{where}：字段“{name or i}”"
        if not (isinstance(name, str) and NAME_PATTERN.fullmatch(name)):
            add(f"{label}的 name 须为小写字母、数字和下划线，以字母开头")
        elif name in names:
            add(f"{label}重复")
        else:
            names.append(name)
        for key in sorted(set(f) - FIELD_KEYS):
            add(f"{label}：不认识的项“{key}”")
        if not _text(f.get("label")):
            add(f"{label}缺少 label（显示名）")
        source = f.get("source")
        if source != "staff" and source not in SOURCES:
            add(f"{label}：未知的数据来源“{source}”")
        kind = f.get("type", "text")
        if kind not in TYPES:
            add(f"{label}：类型须为 {'、'.join(TYPES)} 之一")
        choices = f.get("choices")
        if kind == "choice":
            if not (isinstance(choices, list) and choices and all(_text(c) for c in choices)):
                add(f"{label}：选择题须列出 choices")
            elif len(set(choices)) != len(choices):
                add(f"{label}：choices 有重复")
            elif f.get("default") is not None and f["default"] not in choices:
                add(f"{label}：默认值不在 choices 里")
        elif choices is not None:
            add(f"{label}：只有 choice 类型才有 choices")
        limit = f.get("max_length")
        if limit is not None and not (isinstance(limit, int) and limit > 0):
            add(f"{label}：max_length 须为正整数")
        for key in ("required", "editable"):
            if not isinstance(f.get(key, False), bool):
                add(f"{label}：{key} 须为 true 或 false")
        for key in ("min", "max"):
            if f.get(key) is not None and (kind != "number" or not isinstance(f[key], int | float)):
                add(f"{label}：{key} 只用于 number 类型，且须为数字")
    return names


def _check_tables(
    tables: object, names: list[str], used: set[str], where: str, add, field_types: dict[str, str]
) -> list[str]:
    if tables is None:
        return []
    if not isinstance(tables, list):
        add(f"{where}：tables 须为列表")
        return []
    ids: list[str] = []
    for i, table in enumerate(tables, 1):
        if not isinstance(table, dict) or not _text(table.get("id")):
            add(f"{where}：第{i}个表格须有 id")
            continue
        label = f"{where}：表格“{table['id']}”"
        if table["id"] in ids:
            add(f"{label}重复")
        ids.append(table["id"])
        rows, members = table.get("rows"), table.get("members")
        if not rows and not members:
            add(f"{label}须有 rows 或 members")
        for r, row in enumerate(rows or [], 1):
            if not (isinstance(row, list) and 1 <= len(row) <= 3):
                add(f"{label}第{r}行须列出 1 至 3 个字段")
                continue
            for name in row:
                if name not in names:
                    add(f"{label}第{r}行：没有字段“{name}”")
                used.add(name)
        if members:
            _check_members(members, label, add)
        if table.get("photo") and not rows:
            add(f"{label}：照片栏须和 rows 一起使用")
        elif table.get("photo"):
            for row in (rows or [])[:PHOTO_ROWS]:
                for name in row if isinstance(row, list) else []:
                    if field_types.get(name) == "multiline":
                        add(f"{label}：照片栏旁的前{PHOTO_ROWS}行不能放多行字段“{name}”")
    return ids


def _check_members(members: object, label: str, add) -> None:
    if (
        not isinstance(members, dict)
        or not isinstance(members.get("columns"), list)
        or not members["columns"]
    ):
        add(f"{label}：成员表须列出 columns")
        return
    if members.get("source", MEMBERS_SOURCE) != MEMBERS_SOURCE:
        add(f"{label}：成员表的来源只能是 {MEMBERS_SOURCE}")
    widths = 0.0
    for c, column in enumerate(members["columns"], 1):
        if not isinstance(column, dict) or not _text(column.get("label")):
            add(f"{label}第{c}列须有 label")
            continue
        if column.get("key") is not None and column["key"] not in MEMBER_KEYS:
            add(f"{label}第{c}列：未知的成员项“{column['key']}”（可用：{'、'.join(MEMBER_KEYS)}）")
        width = column.get("width")
        if width is not None and not (isinstance(width, int | float) and width > 5):
            add(f"{label}第{c}列：width 须为大于 5 的毫米数")
        widths += width or 0
    if widths > 150:
        add(f"{label}：各列宽度之和超过了版心宽度")


def _check_sign_rows(rows: object, where: str, add) -> None:
    if not isinstance(rows, list) or not rows:
        add(f"{where}：表格须有签字意见栏（sign_rows）")
        return
    for i, row in enumerate(rows, 1):
        if not isinstance(row, dict) or not _text(row.get("label")) or not _text(row.get("signer")):
            add(f"{where}：第{i}个签字意见栏须有 label 和 signer")
        elif not isinstance(row.get("height", 14), int | float) or not 6 <= row.get("height", 14) <= 80:
            add(f"{where}：第{i}个签字意见栏的 height 须为 6 至 80 毫米")


def validate_templates(definitions: list[dict[str, Any]]) -> list[str]:
    """Each definition's problems plus those between them: a code or serial prefix used twice."""
    problems = [p for d in definitions for p in validate_definition(d)]
    seen_codes: dict[str, int] = {}
    seen_prefixes: dict[str, str] = {}
    for d in definitions:
        code, prefix = d.get("code"), d.get("serial_prefix")
        seen_codes[code] = seen_codes.get(code, 0) + 1
        if seen_codes[code] == 2:
            problems.append(f"模板代码 {code} 重复")
        if prefix in seen_prefixes and seen_prefixes[prefix] != code:
            problems.append(f"编号前缀 {prefix} 重复：模板 {seen_prefixes[prefix]} 和 {code} 都在用")
        seen_prefixes.setdefault(prefix, code)
    return problems
