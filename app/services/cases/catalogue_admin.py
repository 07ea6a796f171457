"""Keeping the catalogue (事项管理): an administrator adds items, edits them, disables and re-enables
them. Nothing is deleted: a case keeps the item it was accepted under, and a case stores its own
copy of the item's name and time limit, so an edit applies to new cases only.

Every change writes one audit entry with the changed fields before and after, and marks the item
as edited at the centre, so that reloading the shipped catalogue leaves it alone. Nothing here
commits: the caller commits.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.models import CertificateTemplate, ServiceCategory, ServiceItem
from app.services.common import audit

MAX_PROMISED_DAYS = 365
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,19}")


class CatalogueEditError(ValueError):
    """The change cannot be saved as asked; the sentence says what to correct."""


@dataclass(frozen=True)
class ItemDraft:
    """What an administrator fills in for one item (everything but its code)."""

    name: str
    category_code: str
    materials: tuple[str, ...] = ()
    promised_days: int = 0  # working days; 0 = 即办
    department: str = ""
    self_service: bool = False  # offered at the kiosk
    template_code: str | None = None
    basis: str = ""
    notes: str = ""


@dataclass(frozen=True)
class CatalogueRow:
    """One item as the 事项管理 screen and ``yichuang catalogue`` show it, disabled ones too."""

    code: str
    category: str
    active: bool
    edited_locally: bool
    draft: ItemDraft

    @property
    def name(self) -> str:
        return self.draft.name

    def as_json(self) -> dict:
        data = {"code": self.code, "category": self.category, "active": self.active}
        data.update(_fields(self.draft))
        return data


@dataclass(frozen=True)
class CategoryChoice:
    code: str
    name: str


def catalogue_categories(session: Session) -> list[CategoryChoice]:
    stmt = select(ServiceCategory).order_by(ServiceCategory.sort_order, ServiceCategory.code)
    return [CategoryChoice(c.code, c.name) for c in session.scalars(stmt)]


def catalogue_rows(
    session: Session, *, category: str | None = None, include_disabled: bool = False
) -> list[CatalogueRow]:
    """The items in catalogue order, of one category if given; disabled ones only if asked."""
    stmt = (
        select(ServiceItem)
        .options(joinedload(ServiceItem.category))
        .order_by(ServiceItem.sort_order, ServiceItem.code)
    )
    if category:
        stmt = stmt.where(ServiceItem.category_code == category)
    if not include_disabled:
        stmt = stmt.where(ServiceItem.active.is_(True))
    return [_row(item) for item in session.scalars(stmt)]


def catalogue_row(session: Session, code: str) -> CatalogueRow:
    return _row(_item(session, code))


def add_item(session: Session, code: str, draft: ItemDraft, *, actor: str) -> CatalogueRow:
    """A new item at the end of the catalogue, offered at once."""
    code = code.strip().upper()
    if not CODE_PATTERN.fullmatch(code):
        raise CatalogueEditError("事项编码须为1到20位字母、数字或连字符，如 ZM-101")
    if session.scalar(select(ServiceItem.id).where(func.upper(ServiceItem.code) == code)) is not None:
        raise CatalogueEditError(f"事项编码“{code}”已被使用（停用的事项也占用编码）")
    draft = _checked(session, draft)
    last = session.scalar(select(func.max(ServiceItem.sort_order))) or 0
    item = ServiceItem(code=code, active=True, edited_locally=True, sort_order=last + 1)
    _apply(item, draft)
    session.add(item)
    session.flush()
    _audit(
        session,
        item,
        actor=actor,
        action="catalogue_add",
        purpose=f"新增事项 {item.name}",
        after=_fields(draft),
    )
    return _row(item)


def edit_item(session: Session, code: str, draft: ItemDraft, *, actor: str) -> CatalogueRow:
    """Save the item as drafted. Cases already recorded keep their own time limit and due date."""
    item = _item(session, code)
    draft = _checked(session, draft)
    before, after = _fields(_draft_of(item)), _fields(draft)
    changed = [key for key in after if before[key] != after[key]]
    if not changed:
        return _row(item)
    _apply(item, draft)
    item.edited_locally = True
    _audit(
        session,
        item,
        actor=actor,
        action="catalogue_edit",
        purpose=f"修改事项 {item.name}",
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return _row(item)


def set_item_active(session: Session, code: str, active: bool, *, actor: str) -> CatalogueRow:
    """停用 or 启用: a disabled item is no longer offered at the window or the kiosk, but its
    cases still show it."""
    item = _item(session, code)
    if item.active == active:
        return _row(item)
    if active and item.template_code and not _template_active(session, item.template_code):
        raise CatalogueEditError(f"事项关联的证明模板“{item.template_code}”已停用，请先修改模板后再启用")
    item.active = active
    item.edited_locally = True
    before, after = {"active": not active}, {"active": active}
    if active:
        _audit(
            session,
            item,
            actor=actor,
            action="catalogue_enable",
            purpose=f"启用事项 {item.name}",
            before=before,
            after=after,
        )
    else:
        _audit(
            session,
            item,
            actor=actor,
            action="catalogue_disable",
            purpose=f"停用事项 {item.name}",
            before=before,
            after=after,
        )
    return _row(item)


# --- inside --------------------------------------------------------------------------------------
def _item(session: Session, code: str) -> ServiceItem:
    item = session.scalar(
        select(ServiceItem)
        .options(joinedload(ServiceItem.category))
        .where(func.upper(ServiceItem.code) == code.strip().upper())
    )
    if item is None:
        raise CatalogueEditError(f"事项“{code.strip()}”不存在")
    return item


def _template_active(session: Session, code: str) -> bool:
    template = session.get(CertificateTemplate, code)
    return template is not None and template.active


def _checked(session: Session, draft: ItemDraft) -> ItemDraft:
    name = " ".join(draft.name.split())
    if not name:
        raise CatalogueEditError("请填写事项名称")
    if len(name) > 60:
        raise CatalogueEditError("事项名称不能超过60个字")
    if session.get(ServiceCategory, draft.category_code) is None:
        raise CatalogueEditError(f"事项类别“{draft.category_code}”不存在")
    materials: list[str] = []
    for material in draft.materials:
        material = " ".join(material.split())
        if not material:
            continue
        if material in materials:
            raise CatalogueEditError(f"材料“{material}”重复列出了")
        materials.append(material)
    if not isinstance(draft.promised_days, int) or not 0 <= draft.promised_days <= MAX_PROMISED_DAYS:
        raise CatalogueEditError(f"承诺时限须为0到{MAX_PROMISED_DAYS}个工作日（0为即办）")
    department = draft.department.strip()
    if len(department) > 60:
        raise CatalogueEditError("承办部门不能超过60个字")
    notes = draft.notes.strip()
    if len(notes) > 200:
        raise CatalogueEditError("备注不能超过200个字")
    template = (draft.template_code or "").strip().upper() or None
    if template is not None and not _template_active(session, template):
        raise CatalogueEditError(f"证明模板“{template}”不存在或已停用")
    return ItemDraft(
        name=name,
        category_code=draft.category_code,
        materials=tuple(materials),
        promised_days=draft.promised_days,
        department=department,
        self_service=bool(draft.self_service),
        template_code=template,
        basis=draft.basis.strip(),
        notes=notes,
    )


def _apply(item: ServiceItem, draft: ItemDraft) -> None:
    from app.services.common.pinyin import pinyin_keys  # pypinyin loads its dictionaries on import

    item.name = draft.name
    item.category_code = draft.category_code
    item.materials = list(draft.materials)
    item.promised_days = draft.promised_days
    item.department = draft.department
    item.self_service = draft.self_service
    item.template_code = draft.template_code
    item.basis = draft.basis
    item.notes = draft.notes
    item.pinyin_initials, item.pinyin_full = pinyin_keys(draft.name)


def _draft_of(item: ServiceItem) -> ItemDraft:
    return ItemDraft(
        name=item.name,
        category_code=item.category_code,
        materials=tuple(item.materials or ()),
        promised_days=item.promised_days,
        department=item.department,
        self_service=item.self_service,
        template_code=item.template_code,
        basis=item.basis,
        notes=item.notes,
    )


def _row(item: ServiceItem) -> CatalogueRow:
    return CatalogueRow(
        code=item.code,
        category=item.category.name if item.category is not None else item.category_code,
        active=item.active,
        edited_locally=item.edited_locally,
        draft=_draft_of(item),
    )


def _fields(draft: ItemDraft) -> dict:
    data = {f.name: getattr(draft, f.name) for f in fields(draft)}
    data["materials"] = list(draft.materials)
    return data


def _audit(
    session: Session,
    item: ServiceItem,
    *,
    actor: str,
    action: str,
    purpose: str,
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    """One audit entry for a change of ``item``: the changed fields before and after, as JSON."""
    detail = json.dumps({"before": before or {}, "after": after or {}}, ensure_ascii=False)
    audit.record(session, actor=actor, action=action, subject=item.code, purpose=purpose[:200], detail=detail)
