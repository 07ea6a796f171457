"""Grid staff under 1+9+X: adding, changing and removing a person, checked and audited.

Any change raises the grid's ``board_version``: staff names, roles, phones, photos and duties
are what a notice board is for. The caller commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Building, Grid, GridStaff
from app.models.staff import GRID_LEADER, role_name
from app.services.admin.scope import scope_for
from app.services.common import audit
from app.services.grids.rules import (
    STAFF_FIELDS,
    GridEditError,
    check_staff_roles,
    clean_staff_values,
    shown_value,
)


def find_grid(session: Session, grid_code: str) -> Grid:
    grid = session.scalar(select(Grid).where(Grid.code == grid_code))
    if grid is None:
        raise GridEditError({"code": f"网格“{grid_code}”不存在"})
    return grid


def editable_grid(session: Session, grid: Grid, actor: str) -> Grid:
    """``grid``, when the account behind ``actor`` may change it: a grid worker only their own
    grids (the grids page lists no other, and the service says so too)."""
    if not scope_for(session, actor).allows_grid(grid.id):
        raise GridEditError({"": f"网格“{grid.name}”不在您负责的范围，不能修改"})
    return grid


def add_staff(session: Session, grid_code: str, values: Mapping[str, Any], *, actor: str) -> int:
    """Add a person to the grid (name and role required); returns the new staff id."""
    grid = editable_grid(session, find_grid(session, grid_code), actor)
    wanted = {"phone": "", "organisation": "", "duty": "", "photo": None, "building_id": None, **values}
    errors = {f: f"{STAFF_FIELDS[f]}必须填写" for f in ("name", "role") if f not in values}
    try:
        cleaned = clean_staff_values(wanted)
    except GridEditError as exc:
        errors.update(exc.errors)
    if errors:
        raise GridEditError(errors)
    _check_staff(session, grid, cleaned, None)
    order = session.scalar(select(func.max(GridStaff.sort_order)).where(GridStaff.grid_id == grid.id)) or 0
    staff = GridStaff(grid_id=grid.id, sort_order=order + 1, **cleaned)
    session.add(staff)
    grid.board_version += 1
    detail = f"新增人员：{role_name(staff.role)} {staff.name}" + (
        f"，电话 {staff.phone}" if staff.phone else ""
    )
    audit.record(
        session, actor=actor, action="edit", subject=grid.code, purpose="修改网格人员", detail=detail
    )
    session.flush()
    return staff.id


def update_staff(session: Session, staff_id: int, changes: Mapping[str, Any], *, actor: str) -> list[str]:
    """Change one person's fields; returns the audited lines (empty when nothing changed)."""
    staff = _staff_member(session, staff_id)
    editable_grid(session, staff.grid, actor)
    cleaned = clean_staff_values(changes)
    merged = {f: getattr(staff, f) for f in STAFF_FIELDS} | cleaned
    diffs = {f: (getattr(staff, f), v) for f, v in cleaned.items() if getattr(staff, f) != v}
    if not diffs:
        return []
    _check_staff(session, staff.grid, merged, staff.id)
    buildings = {b.id: b.name for b in staff.grid.buildings}
    lines = []
    for field, (old, new) in diffs.items():
        setattr(staff, field, new)
        if field == "photo":
            lines.append("照片: " + ("已删除" if new is None else "已更换" if old else "已添加"))
        elif field == "role":
            lines.append(f"角色: {role_name(old)} → {role_name(new)}")
        elif field == "building_id":
            lines.append(f"楼栋: {buildings.get(old, '（空）')} → {buildings.get(new, '（空）')}")
        else:
            lines.append(f"{STAFF_FIELDS[field]}: {shown_value(field, old)} → {shown_value(field, new)}")
    staff.grid.board_version += 1
    detail = f"人员 {staff.name}（{role_name(staff.role)}）\n" + "\n".join(lines)
    audit.record(
        session, actor=actor, action="edit", subject=staff.grid.code, purpose="修改网格人员", detail=detail
    )
    session.flush()
    return lines


def remove_staff(session: Session, staff_id: int, *, actor: str) -> None:
    staff = _staff_member(session, staff_id)
    grid = editable_grid(session, staff.grid, actor)
    grid.board_version += 1
    audit.record(
        session,
        actor=actor,
        action="edit",
        subject=grid.code,
        purpose="修改网格人员",
        detail=f"移除人员：{role_name(staff.role)} {staff.name}",
    )
    session.delete(staff)
    session.flush()


def _staff_member(session: Session, staff_id: int) -> GridStaff:
    staff = session.get(GridStaff, staff_id)
    if staff is None:
        raise GridEditError({"": "该人员已不存在（可能已被他人移除），请刷新"})
    return staff


def _check_staff(session: Session, grid: Grid, values: Mapping[str, Any], staff_id: int | None) -> None:
    errors = check_staff_roles(values["role"], values.get("phone", ""), values.get("building_id"))
    building_id = values.get("building_id")
    in_grid = select(Building.grid_id).where(Building.id == building_id)
    if building_id is not None and "building_id" not in errors and session.scalar(in_grid) != grid.id:
        errors["building_id"] = "楼栋不属于本网格"
    if values["role"] == GRID_LEADER:
        stmt = select(GridStaff.name).where(GridStaff.grid_id == grid.id, GridStaff.role == GRID_LEADER)
        if staff_id is not None:
            stmt = stmt.where(GridStaff.id != staff_id)
        leader = session.scalar(stmt)
        if leader is not None:
            errors["role"] = f"本网格已有网格长 {leader}，一个网格只设一位网格长"
    if errors:
        raise GridEditError(errors)
