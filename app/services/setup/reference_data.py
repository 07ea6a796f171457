"""Loading the reference data that ships in resources/ (tags, service catalogue) into a database.

Loading is idempotent and respectful of local edits: a tag or item the centre changed by hand is
left as it is; only missing records are added (the catalogue may be forced to reload).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ServiceCategory, ServiceItem, Tag, VisitRule
from app.resources import resource_path


def read_yaml(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} 的内容不是预期的结构")
    return data


def load_tags(session: Session, path: Path | None = None) -> int:
    """Add the shipped tags that the database does not have yet. Returns how many were added."""
    data = read_yaml(path or resource_path("reference", "tags.yaml"))
    existing = set(session.scalars(select(Tag.code)))
    added = 0
    for order, spec in enumerate(data["tags"]):
        if spec["code"] in existing:
            continue
        session.add(
            Tag(
                code=spec["code"],
                name=spec["name"],
                description=spec.get("description", ""),
                min_age=spec.get("min_age"),
                max_age=spec.get("max_age"),
                color=spec.get("color", "#5b6b7a"),
                sort_order=order,
            )
        )
        added += 1
    return added


def load_catalogue(session: Session, path: Path | None = None, *, replace: bool = False) -> int:
    """Add the shipped service items (and their categories). With ``replace`` the shipped version
    overwrites items of the same code, except those the centre edited itself (事项管理: added,
    changed, disabled). Returns how many items were added or replaced."""
    data = read_yaml(path or resource_path("catalogue", "service_items.yaml"))
    categories = {c.code: c for c in session.scalars(select(ServiceCategory))}
    for order, spec in enumerate(data["categories"]):
        category = categories.get(spec["code"])
        if category is None:
            category = ServiceCategory(code=spec["code"], name=spec["name"], sort_order=order)
            session.add(category)
            categories[category.code] = category
        elif replace:
            category.name, category.sort_order = spec["name"], order
    session.flush()
    # Without ``replace`` only the codes are read: an older schema being brought up to date has
    # the items but not yet every column of today's model.
    known = set(session.scalars(select(ServiceItem.code)))
    items = {i.code: i for i in session.scalars(select(ServiceItem))} if replace else {}
    changed = 0
    for order, spec in enumerate(data["items"]):
        if spec["category"] not in categories:
            raise ValueError(f"事项 {spec['code']} 的类别 {spec['category']} 未定义")
        if spec["code"] in known and (not replace or items[spec["code"]].edited_locally):
            continue
        item = items.get(spec["code"])
        if item is None:
            item = ServiceItem(code=spec["code"])
            session.add(item)
        apply_item_fields(item, spec, order)
        changed += 1
    return changed


def apply_item_fields(item: ServiceItem, spec: dict[str, Any], order: int) -> None:
    item.name = spec["name"]
    item.category_code = spec["category"]
    item.materials = list(spec.get("materials") or [])
    item.promised_days = int(spec.get("promised_days", 0))
    item.department = spec.get("department", "") or ""
    item.self_service = bool(spec.get("self_service", False))
    item.template_code = spec.get("template") or None
    item.basis = spec.get("basis", "") or ""
    item.notes = spec.get("notes", "") or ""
    item.sort_order = order
    # pypinyin loads its dictionaries on import (about half a second): only loading pays for it.
    from app.services.common.pinyin import pinyin_keys

    item.pinyin_initials, item.pinyin_full = pinyin_keys(item.name)


def load_visit_rules(session: Session, path: Path | None = None) -> int:
    """Add the shipped visiting rules (走访周期) for tags that have none yet; an edited rule stays."""
    session.flush()  # tags added in this transaction get their ids
    data = read_yaml(path or resource_path("reference", "visit_rules.yaml"))
    tags = dict(session.execute(select(Tag.code, Tag.id)).all())
    ruled = set(session.scalars(select(VisitRule.tag_id)))
    added = 0
    for spec in data["rules"]:
        tag_id = tags.get(spec["tag"])
        if tag_id is None or tag_id in ruled:
            continue
        session.add(VisitRule(tag_id=tag_id, every_days=int(spec["every_days"])))
        added += 1
    return added
