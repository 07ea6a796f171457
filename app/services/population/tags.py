"""The centre's resident tags (一老一小一特 …) as data: list them, add or rename one, give one to a
resident or take it away. Age tags follow the birth date and are never set by hand."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Tag
from app.services.common import audit
from app.services.population.lookup import find_resident


class TagError(ValueError):
    """The tag cannot be changed or given as asked; the sentence says why."""


@dataclass(frozen=True, slots=True)
class TagInfo:
    code: str
    name: str
    min_age: int | None
    max_age: int | None
    color: str
    description: str


def _info(tag: Tag) -> TagInfo:
    return TagInfo(tag.code, tag.name, tag.min_age, tag.max_age, tag.color, tag.description)


def all_tags(session: Session) -> list[TagInfo]:
    """Every tag in the centre's order."""
    return [_info(t) for t in session.scalars(select(Tag).order_by(Tag.sort_order, Tag.id))]


def save_tag(session: Session, values: TagInfo, *, update: bool = False) -> TagInfo:
    """Add the tag ``values.code`` at the end of the order, or, with ``update``, change the one
    with that code (without it an existing code is refused: a new tag must not rename an old one
    that residents already carry)."""
    if not values.code.strip() or not values.name.strip():
        raise TagError("标签代码和名称都不能为空")
    if values.min_age is not None and values.max_age is not None and values.min_age >= values.max_age:
        raise TagError("--min-age 应小于 --max-age")
    tag = session.scalar(select(Tag).where(Tag.code == values.code))
    if tag is not None and not update:
        raise TagError(f"标签代码“{values.code}”已在使用（名称“{tag.name}”）；要修改它请加 --update")
    if tag is None:
        order = (session.scalar(select(func.max(Tag.sort_order))) or 0) + 1
        tag = Tag(code=values.code, sort_order=order)
        session.add(tag)
    tag.name, tag.color, tag.description = values.name, values.color, values.description
    tag.min_age, tag.max_age = values.min_age, values.max_age
    return _info(tag)


@dataclass(frozen=True, slots=True)
class TagChange:
    tag_code: str
    resident_name: str
    assigned: bool


def set_tag(session: Session, code: str, id_text: str, *, assigned: bool, actor: str) -> TagChange:
    """Give the tag to the resident with this ID number (or take it away), audited.

    Raises TagError, or LookupFailed for an unknown or invalid number."""
    tag = session.scalar(select(Tag).where(Tag.code == code))
    if tag is None:
        raise TagError(f"标签“{code}”不存在（yichuang tags list）")
    if tag.is_age_rule:
        raise TagError(f"“{tag.name}”按年龄自动生效，不能手工设置")
    resident = find_resident(session, id_text)
    has = tag in resident.tags
    if assigned and not has:
        resident.tags.append(tag)
    elif not assigned and has:
        resident.tags.remove(tag)
    audit.record(
        session,
        actor=actor,
        action="edit",
        resident=resident,
        purpose=("设置标签" if assigned else "取消标签") + tag.name,
    )
    return TagChange(tag.code, resident.name, assigned)
