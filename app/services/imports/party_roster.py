"""A branch's party roster (党员花名册) from the usual .xlsx layout: 姓名, 身份证号, 性别, 出生日期,
入党日期, 转正日期, 党员类别/状态, 所在支部, 联系电话. Every row is checked before anything is
written, and the preview says row by row what will happen: a resident joins the register; a
person who is not a resident of the street is offered as an outside member (only the masked
number kept) or refused; a bad check digit, an unknown branch or a sex or birth date that
contradicts the number is refused with the reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Grid, PartyMember, PartyOrganisation, Resident, Tag
from app.services.admin.scope import Scope
from app.services.common import audit
from app.services.common.idcard import IdNumberError, mask, parse
from app.services.imports.spreadsheet import (
    HeaderMap,
    RejectedRow,
    RowRejected,
    cell_date,
    cell_text,
    is_blank,
    read_table,
)
from app.services.party.members import PARTY_TAG, MemberError

HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "id_number": ("身份证号", "公民身份号码", "身份证号码"),
    "sex": ("性别",),
    "birth": ("出生日期", "出生年月"),
    "joined": ("入党日期", "入党时间"),
    "full": ("转正日期", "转正时间"),
    "status": ("党员类别", "党员状态", "类别", "人员类别"),
    "branch": ("所在支部", "所在党支部", "党支部"),
    "phone": ("联系电话", "手机号码", "电话"),
}
HEADER_MAP = HeaderMap(HEADERS, required=("name", "id_number"))
SEXES = {"男": "male", "女": "female"}


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One accepted row; ``resident_id`` None: an outside member, of whom only the masked number
    is kept (the full one stays with their own organisation)."""

    row: int
    name: str
    id_masked: str
    branch_id: int
    branch: str
    status: str
    kind: str
    joined_on: dt.date | None
    full_on: dt.date | None
    phone: str
    resident_id: int | None

    @property
    def verdict(self) -> str:
        return "登记为党员" if self.resident_id else "作为街道外党员登记"


@dataclass
class RosterReport:
    file: str
    dry_run: bool
    accepted: list[RosterRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    written: bool = False


def resolve_branch(session: Session, text: str, scope: Scope) -> PartyOrganisation:
    """A grid branch by its grid's code, its number or its name; a name that more than one
    community uses (第1网格党支部) must be given as the grid code."""
    text = text.strip()
    stmt = (
        select(PartyOrganisation)
        .join(Grid, PartyOrganisation.grid_id == Grid.id)
        .where(PartyOrganisation.level == "grid_branch", scope.grid_filter(PartyOrganisation.grid_id))
    )
    found = session.scalars(stmt.where(Grid.code == text)).all()
    if not found and text.isdigit() and len(text) < 9:
        found = session.scalars(stmt.where(PartyOrganisation.id == int(text))).all()
    if not found:
        found = session.scalars(stmt.where(PartyOrganisation.name == text)).all()
    if len(found) > 1:
        raise MemberError(f"支部“{text}”在多个社区重名，请填写网格编码")
    if not found:
        raise MemberError(f"找不到支部“{text}”，或不在您负责的网格")
    return found[0]


def _status(text: str) -> tuple[str, str]:
    status = "probation" if "预备" in text else "full"
    kind = "floating" if "流动" in text else "in_service" if "在职" in text else "registered"
    return status, kind


class _Reader:
    def __init__(self, session: Session, columns: dict[str, int], scope: Scope, default: PartyOrganisation | None,
                 allow_outside: bool):  # fmt: skip
        self.session, self.columns, self.scope = session, columns, scope
        self.default, self.allow_outside = default, allow_outside
        self.branches: dict[str, PartyOrganisation] = {}
        self.seen: set[str] = set()

    def value(self, cells: list[Any], key: str) -> Any:
        index = self.columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def branch(self, text: str) -> PartyOrganisation:
        if not text:
            if self.default is None:
                raise RowRejected("未填写所在支部，导入时也未指定支部")
            return self.default
        if text not in self.branches:
            try:
                self.branches[text] = resolve_branch(self.session, text, self.scope)
            except MemberError as exc:
                raise RowRejected(str(exc)) from None
        return self.branches[text]

    def read(self, number: int, cells: list[Any]) -> RosterRow:
        name = cell_text(self.value(cells, "name"))
        if not name:
            raise RowRejected("未填写姓名")
        try:
            info = parse(cell_text(self.value(cells, "id_number")))
        except IdNumberError as exc:
            raise RowRejected(f"身份证号有误：{exc}") from None
        if info.number in self.seen:
            raise RowRejected("身份证号与前面的行重复")
        self.seen.add(info.number)
        sex = cell_text(self.value(cells, "sex"))
        if sex in SEXES and SEXES[sex] != info.sex:
            raise RowRejected("性别与身份证号不符")
        birth = cell_date(self.value(cells, "birth"))
        if birth is not None and birth != info.birth_date:
            raise RowRejected("出生日期与身份证号不符")
        joined = self._date(cells, "joined", "入党日期")
        full = self._date(cells, "full", "转正日期")
        status, kind = _status(cell_text(self.value(cells, "status")))
        if status == "probation" and full is not None:
            raise RowRejected("预备党员不应有转正日期")
        if joined and full and full < joined:
            raise RowRejected("转正日期早于入党日期")
        branch = self.branch(cell_text(self.value(cells, "branch")))
        resident = self.session.scalar(select(Resident).where(Resident.id_number == info.number))
        if resident is not None:
            if self.session.scalar(select(PartyMember.id).where(PartyMember.resident_id == resident.id)):
                raise RowRejected(f"{resident.name}已在党员名册中")
            if resident.name != name:
                raise RowRejected(f"姓名与居民登记的“{resident.name}”不符")
        elif not self.allow_outside:
            raise RowRejected("不是本街道登记的居民（可选择作为街道外党员导入）")
        elif self.session.scalar(
            select(PartyMember.id).where(PartyMember.id_masked == mask(info.number), PartyMember.name == name)
        ):
            raise RowRejected(f"{name}已在党员名册中")
        phone = cell_text(self.value(cells, "phone"))[:30]
        row = RosterRow(
            number, name, mask(info.number), branch.id, branch.name, status,
            kind, joined, full, phone, resident.id if resident else None,
        )  # fmt: skip
        return row

    def _date(self, cells: list[Any], key: str, label: str) -> dt.date | None:
        raw = self.value(cells, key)
        if is_blank(raw):
            return None
        day = cell_date(raw)
        if day is None:
            raise RowRejected(f"{label}“{cell_text(raw)[:12]}”不是有效日期")
        return day


def import_roster(
    session: Session,
    path: str | Path,
    *,
    scope: Scope,
    actor: str,
    branch: str = "",
    allow_outside: bool = False,
    dry_run: bool = False,
) -> RosterReport:
    """Check every row of the roster in ``path``, then (unless ``dry_run``) register the accepted
    rows in one step, audited as one import. ``branch`` is the branch for rows that name none.
    Raises ImportFileError for a file that cannot be read, MemberError for an unknown ``branch``."""
    path = Path(path)
    default = resolve_branch(session, branch, scope) if branch.strip() else None
    table = read_table(path, is_header=HEADER_MAP.is_header)
    columns = HEADER_MAP.require(table.header, table.header_row)
    reader = _Reader(session, columns, scope, default, allow_outside)
    report = RosterReport(path.name, dry_run)
    for number, cells in table.rows:
        if all(is_blank(c) for c in cells):
            continue
        try:
            row = reader.read(number, cells)
        except RowRejected as exc:
            report.rejected.append(RejectedRow(number, str(exc)))
            continue
        report.accepted.append(row)
    if dry_run or not report.accepted:
        # The check looked residents up by number and shows their names: a read, audited.
        audit.record(
            session,
            actor=actor,
            action="party_member_import",
            subject=f"{len(report.accepted)}人",
            purpose="检查党员名册（未写入）",
            detail=f"{path.name}：可登记{len(report.accepted)}人，拒绝{len(report.rejected)}行",
        )
        return report
    tag = session.scalar(select(Tag).where(Tag.code == PARTY_TAG))
    for row in report.accepted:
        session.add(
            PartyMember(
                resident_id=row.resident_id,
                name=row.name,
                id_masked=row.id_masked,
                branch_id=row.branch_id,
                status=row.status,
                kind=row.kind,
                joined_on=row.joined_on,
                full_on=row.full_on,
                phone=row.phone,
            )
        )
        if row.resident_id is not None and tag is not None:
            resident = session.get(Resident, row.resident_id)
            if tag not in resident.tags:
                resident.tags.append(tag)
    outside = sum(1 for r in report.accepted if r.resident_id is None)
    audit.record(
        session,
        actor=actor,
        action="party_member_import",
        subject=f"{len(report.accepted)}人",
        purpose="导入党员名册",
        detail=f"{path.name}：登记{len(report.accepted)}人（街道外{outside}人），拒绝{len(report.rejected)}行",
    )
    session.flush()
    report.written = True
    return report
