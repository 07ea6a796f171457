"""What chooses the rows of a register: dates, a grid, a tag, a state or status, and whether ID
numbers are shown in full. Resolved once against the database into plain ids, and described in
words for the 说明 sheet, the PDF's heading and the audit entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Grid, Tag
from app.services.admin.permissions import NotPermitted, require
from app.services.admin.scope import Scope
from app.services.common.idcard import mask


class ExportError(ValueError):
    """An export that cannot be made as asked, in one sentence for the person."""


@dataclass(frozen=True)
class LedgerFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    grid_code: str = ""
    grid_id: int | None = None  # a grid chosen at the desk by its id (instead of grid_code)
    tag_code: str = ""
    state: str = ""  # residents: living, moved, dead ("" every state)
    status: str = ""  # cases, certificates, appointments ("" every status)
    template_code: str = ""  # certificates of one template


@dataclass(frozen=True)
class Resolved:
    """The filter with the grid and tag found: what the row readers query by."""

    flt: LedgerFilter
    scope: Scope
    grid_id: int | None
    grid_name: str
    tag_id: int | None
    tag_name: str
    full_id: bool

    def id_text(self, number: str | None) -> str:
        if not number:
            return ""
        return number if self.full_id else mask(number)

    def phone_text(self, phone: str | None) -> str:
        if not phone:
            return ""
        if self.full_id or len(phone) < 7:
            return phone
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def resolve(session: Session, flt: LedgerFilter, *, scope: Scope, actor: str, full_id: bool) -> Resolved:
    """Check the filter and the reader's rights; ExportError (or NotPermitted) with a sentence."""
    if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
        raise ExportError("开始日期晚于结束日期，请检查日期范围")
    if full_id:
        require(session, actor, "ledger.full_id")
    require(session, actor, "ledger.export")
    grid_id, grid_name = None, ""
    if flt.grid_code.strip():
        found = session.execute(select(Grid.id, Grid.name).where(Grid.code == flt.grid_code.strip())).first()
        if found is None:
            raise ExportError(f"网格“{flt.grid_code.strip()}”不存在")
        grid_id, grid_name = found
        if not scope.allows_grid(grid_id):
            raise NotPermitted(f"网格“{grid_name}”不在您负责的网格之内")
    elif flt.grid_id is not None:
        grid_id = flt.grid_id
        grid_name = session.scalar(select(Grid.name).where(Grid.id == grid_id)) or ""
        if not scope.allows_grid(grid_id):
            raise NotPermitted(f"网格“{grid_name}”不在您负责的网格之内")
    tag_id, tag_name = None, ""
    if flt.tag_code.strip():
        found = session.execute(select(Tag.id, Tag.name).where(Tag.code == flt.tag_code.strip())).first()
        if found is None:
            raise ExportError(f"标签“{flt.tag_code.strip()}”不存在")
        tag_id, tag_name = found
    return Resolved(flt, scope, grid_id, grid_name, tag_id, tag_name, full_id)


def described(resolved: Resolved, status_names: dict[str, str], date_label: str) -> str:
    """The filters in words, e.g. “受理日期 2026-11-01 至 2026-11-30，网格 一网格，状态 已办结”."""
    flt = resolved.flt
    parts = []
    if flt.date_from or flt.date_to:
        parts.append(f"{date_label} {flt.date_from or '…'} 至 {flt.date_to or '…'}")
    if resolved.grid_name:
        parts.append(f"网格 {resolved.grid_name}")
    elif not resolved.scope.whole_street:
        parts.append("本人负责的网格")
    if flt.template_code:
        parts.append(f"证明 {flt.template_code}")
    if resolved.tag_name:
        parts.append(f"标签 {resolved.tag_name}")
    chosen = flt.state or flt.status
    if chosen:
        parts.append(f"状态 {status_names.get(chosen, chosen)}")
    return "，".join(parts) or "全部"


def check_choice(value: str, names: dict[str, str], what: str) -> None:
    if value and value not in names:
        choices = "、".join(f"{code}（{name}）" for code, name in names.items())
        raise ExportError(f"{what}“{value}”不认识，可选：{choices}")


@dataclass(frozen=True, slots=True)
class Choice:
    code: str
    name: str


def ledger_choices(session: Session, scope: Scope) -> tuple[list[Choice], list[Choice]]:
    """The grids the reader may choose (their own, for a grid worker) and every tag, age tags
    included, for the desk's export form."""
    grids = session.execute(
        select(Grid.code, Grid.name).where(scope.grid_filter(Grid.id)).order_by(Grid.code)
    )
    tags = session.execute(select(Tag.code, Tag.name).order_by(Tag.sort_order, Tag.id))
    return [Choice(*g) for g in grids], [Choice(*t) for t in tags]
