"""A register (台账) read once and written as a workbook and, when asked, an A4 landscape PDF.

``read_ledger`` gives a :class:`Ledger`: its title, columns, typed rows and the filters in words.
``export_ledger`` writes the files (the PDF through the renderer the caller hands in) and adds one
audit entry with the count, the filters and whether ID numbers left in full; the caller commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields
from operator import attrgetter
from pathlib import Path

from sqlalchemy.orm import Session

from app.models import APPOINTMENT_STATUSES, RESIDENT_STATES
from app.services.admin.centre import CentreNotConfigured, centre_name, current_community
from app.services.admin.scope import Scope
from app.services.common import audit
from app.services.common.idcard import redact
from app.services.common.sheets import Column, SheetSpec
from app.services.common.xlsx import write_xlsx
from app.services.exports.case_rows import CASE_STATUSES, case_rows
from app.services.exports.filters import ExportError, LedgerFilter, described, resolve
from app.services.exports.register_rows import CERTIFICATE_STATUSES, appointment_rows, certificate_rows
from app.services.exports.resident_rows import resident_rows

MAX_PDF_ROWS = 20_000  # about 800 landscape pages: beyond that a register is read in Excel
CASE_COLUMNS = (
    Column("办件编号", 22),
    Column("渠道", 10),
    Column("事项", 22),
    Column("申请人", 10),
    Column("身份证号", 20),
    Column("联系电话", 14),
    Column("网格", 14),
    Column("状态", 10),
    Column("首问责任人", 11),
    Column("承办人", 11),
    Column("受理时间", 19),
    Column("承诺办结日", 12),
    Column("办结时间", 19),
    Column("评价", 10),
)


@dataclass(frozen=True)
class LedgerKind:
    code: str  # cases, certificates, residents, appointments, requests
    title: str  # 办件台账
    date_label: str  # what --from/--to choose by
    columns: tuple[Column, ...]
    status_names: dict[str, str]


KINDS: dict[str, LedgerKind] = {
    k.code: k
    for k in (
        LedgerKind("cases", "办件台账", "受理日期", CASE_COLUMNS, CASE_STATUSES),
        LedgerKind(
            "certificates",
            "证明台账",
            "开具日期",
            (
                Column("证明编号", 20),
                Column("证明名称", 22),
                Column("持证人", 10),
                Column("身份证号", 20),
                Column("开具日期", 12),
                Column("开具人", 10),
                Column("渠道", 10),
                Column("状态", 8),
                Column("补打次数", 8),
                Column("作废原因", 30),
            ),
            CERTIFICATE_STATUSES,
        ),
        LedgerKind(
            "residents",
            "居民台账",
            "",
            (
                Column("姓名", 10),
                Column("性别", 6),
                Column("身份证号", 20),
                Column("出生日期", 12),
                Column("民族", 8),
                Column("网格", 14),
                Column("楼栋", 12),
                Column("房号", 10),
                Column("与户主关系", 10),
                Column("联系电话", 14),
                Column("标签", 18),
                Column("状态", 8),
                Column("迁出/死亡日期", 13),
                Column("现住址", 32),
            ),
            RESIDENT_STATES,
        ),
        LedgerKind(
            "appointments",
            "预约台账",
            "预约日期",
            (
                Column("日期", 12),
                Column("时段", 12),
                Column("预约人", 10),
                Column("身份证号", 20),
                Column("联系电话", 14),
                Column("事项", 22),
                Column("状态", 8),
                Column("渠道", 10),
                Column("预约时间", 19),
            ),
            APPOINTMENT_STATUSES,
        ),
        LedgerKind(
            "requests", "自助终端诉求台账", "提交日期", (*CASE_COLUMNS, Column("诉求内容", 40)), CASE_STATUSES
        ),
    )
}


@dataclass(frozen=True)
class Ledger:
    kind: LedgerKind
    rows: Sequence[object]  # the kind's typed rows (CaseLedgerRow, …)
    filters: str  # in words
    made_at: dt.datetime  # local time
    made_by: str
    full_id: bool

    @property
    def title(self) -> str:
        return self.kind.title

    def cells(self) -> Iterator[tuple]:
        """Each row as the values of its columns, in order."""
        if not self.rows:
            return iter(())
        names = [f.name for f in fields(type(self.rows[0]))][: len(self.kind.columns)]
        return map(attrgetter(*names), self.rows)

    def about(self) -> tuple[tuple[str, str], ...]:
        return (
            ("筛选条件", self.filters),
            ("身份证号", "完整显示" if self.full_id else "已遮挡（仅显示前后几位）"),
            ("导出时间", self.made_at.strftime("%Y-%m-%d %H:%M:%S")),
            ("导出人", self.made_by),
        )


@dataclass(frozen=True)
class ExportDone:
    title: str
    rows: int
    xlsx: Path | None
    pdf: Path | None


def read_ledger(
    session: Session,
    kind: str,
    flt: LedgerFilter,
    *,
    scope: Scope,
    actor: str,
    full_id: bool = False,
    today: dt.date | None = None,
) -> Ledger:
    """The rows of register ``kind`` the reader (``actor`` within ``scope``) may take away."""
    spec = KINDS[kind]
    resolved = resolve(session, flt, scope=scope, actor=actor, full_id=full_id)
    if kind == "cases":
        rows = case_rows(session, resolved)
    elif kind == "requests":
        rows = case_rows(session, resolved, channel="kiosk")
    elif kind == "certificates":
        rows = certificate_rows(session, resolved)
    elif kind == "appointments":
        rows = appointment_rows(session, resolved)
    else:
        rows = resident_rows(session, resolved, today=today or dt.date.today())
    filters = described(resolved, spec.status_names, spec.date_label)
    return Ledger(spec, rows, filters, dt.datetime.now().replace(microsecond=0), actor, full_id)


def export_ledger(
    session: Session,
    ledger: Ledger,
    *,
    xlsx: Path | None = None,
    pdf: Path | None = None,
    render_pdf: Callable[[Ledger], bytes] | None = None,
) -> ExportDone:
    """Write ``ledger`` to the files named and log the export; the caller commits. A PDF needs
    ``render_pdf`` (app.printing.documents.ledger.render_ledger at the desk and the command line)."""
    if xlsx is None and pdf is None:
        raise ValueError("no file named")
    if pdf is not None and len(ledger.rows) > MAX_PDF_ROWS:
        raise ExportError(
            f"{ledger.title}有{len(ledger.rows)}条，PDF一次最多{MAX_PDF_ROWS}条，请缩小范围或只导出Excel"
        )
    if xlsx is not None:
        write_xlsx(xlsx, SheetSpec(ledger.title, ledger.kind.columns, ledger.about()), ledger.cells())
    if pdf is not None:
        if render_pdf is None:
            raise ValueError("a PDF needs a renderer")
        partial = pdf.with_name(pdf.name + ".part")
        partial.write_bytes(render_pdf(ledger))
        partial.replace(pdf)
    files = "、".join(str(p) for p in (xlsx, pdf) if p is not None)
    entry = audit.record_list(
        session,
        actor=ledger.made_by,
        action="export_ledger",
        shown=len(ledger.rows),
        what=f"导出{ledger.title}",
    )
    entry.detail = redact(
        f"条件：{ledger.filters}；身份证号{'完整' if ledger.full_id else '已遮挡'}；文件：{files}"
    )
    return ExportDone(ledger.title, len(ledger.rows), xlsx, pdf)


def centre_heading(session: Session) -> str:
    """The centre's name for a register's heading; "" before a community is chosen."""
    try:
        return centre_name(current_community(session))
    except CentreNotConfigured:
        return ""
