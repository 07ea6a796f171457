"""Importing 12345 hotline work orders (12345工单) from the city platform's .xlsx or .csv export.

Every order becomes a case on the ``hotline`` channel, accepted at once with a deadline: the
order's own 办理时限 (a date, or a number of working days), else five working days from the call.
When the address names a building of the street, the case goes to that building's grid and its
grid leader owns it; otherwise it stays with the person importing, for the desk to dispatch by
hand. An order already stored (same 工单编号) is skipped, so overlapping exports can be loaded
again and again.

Importing accepts cases, so it takes the right ``hotline.import`` (app.services.admin.permissions):
a kiosk's account is refused before the file is read. A grid worker may import the orders whose
address lies in their own grids; every other row of the file (another grid's, or one no grid could
be found for, which only the desk may dispatch) is rejected with its reason, and nothing of it is
shown, not even whether it was imported before. As with residents, a rejected row is reported with its row number and a reason,
and the accepted rows land in one transaction together with one audit entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Case, Community, GridStaff, Resident
from app.models.base import utcnow
from app.models.staff import GRID_LEADER
from app.services.admin.centre import current_community
from app.services.admin.permissions import require
from app.services.admin.restored import require_caught_up
from app.services.admin.scope import WHOLE_STREET, Scope, scope_for
from app.services.cases import workflow
from app.services.cases.numbers import next_case_no
from app.services.common import audit
from app.services.common.workdays import WorkCalendar
from app.services.imports.hotline_routing import AddressRouter, Route
from app.services.imports.hotline_rows import HEADER_MAP, ITEM_NAME, Order, parse_rows
from app.services.imports.spreadsheet import CorrectedCell, ImportFileError, RejectedRow, read_table

__all__ = [
    "HotlineImportReport",
    "ImportFileError",
    "ImportedOrder",
    "RejectedRow",
    "import_hotline_orders",
]

CHANNEL = "hotline"
EVENT_ACTION = "hotline_import"
HEADER_SCAN = 10  # rows looked at for the header when a title row sits above it
CHUNK = 500  # values per IN (...) query


@dataclass(frozen=True)
class ImportedOrder:
    """One order that became (or, on a dry run, would become) a case."""

    row: int
    order_no: str
    case_no: str | None  # None on a dry run
    grid: str  # "桃园社区第1网格", or "" when the desk must dispatch it by hand
    owner: str
    due_date: dt.date
    routing: str  # why it went to that grid, or why it did not

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "order_no": self.order_no,
            "case_no": self.case_no,
            "grid": self.grid,
            "owner": self.owner,
            "due_date": self.due_date.isoformat(),
            "routing": self.routing,
        }


@dataclass
class HotlineImportReport:
    created: int = 0
    duplicates: int = 0  # already stored, or a second row for the same order in this file
    routed: int = 0  # sent to a grid by the address
    unrouted: int = 0  # left for the desk to dispatch
    rejected: list[RejectedRow] = field(default_factory=list)
    duplicate_rows: list[RejectedRow] = field(default_factory=list)  # which rows were skipped, and why
    orders: list[ImportedOrder] = field(default_factory=list)
    corrected: list[CorrectedCell] = field(default_factory=list)  # control or bidi characters taken out
    file: str = ""
    dry_run: bool = False
    written: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "created": self.created,
            "duplicates": self.duplicates,
            "routed": self.routed,
            "unrouted": self.unrouted,
            "rejected_count": len(self.rejected),
            "dry_run": self.dry_run,
            "written": self.written,
            "rejected": [{"row": r.row, "reason": r.reason} for r in self.rejected],
            "duplicate_rows": [{"row": r.row, "reason": r.reason} for r in self.duplicate_rows],
            "orders": [o.as_dict() for o in self.orders],
            "corrected": [c.as_dict() for c in self.corrected],
        }


def import_hotline_orders(
    session: Session,
    path: str | Path,
    *,
    actor: str,
    dry_run: bool = False,
    today: dt.date | None = None,
    calendar: WorkCalendar | None = None,
) -> HotlineImportReport:
    """Import the work orders in ``path`` (.xlsx or .csv) as cases and commit.

    Raises :class:`NotPermitted` when ``actor`` may not import work orders (nothing is read). Raises :class:`RestoredCopyError` on a database put back from a copy that has not caught up
    with the street, and :class:`ImportFileError` when the file as a whole cannot be used (nothing is
    written). With ``dry_run`` nothing is written but the report says what would happen. The
    session's transaction is committed on success and rolled back otherwise, so pass a session
    with no unrelated pending work. ``today`` dates the case numbers (default: today).
    """
    path = Path(path)
    require(session, actor, "hotline.import")
    scope = scope_for(session, actor)
    if not dry_run:  # refused as a whole, not row by row, on a copy not yet caught up
        require_caught_up(session)
    table = read_table(path, is_header=HEADER_MAP.is_header)
    header_row, header, rows = table.header_row, table.header, table.rows
    if not HEADER_MAP.is_header(header):  # the platform often puts a title line above the header
        for index, (number, cells) in enumerate(rows[:HEADER_SCAN]):
            if HEADER_MAP.is_header(cells):
                header_row, header, rows = number, cells, rows[index + 1 :]
                break
    columns = HEADER_MAP.require(header, header_row)
    today = today or dt.date.today()
    report = HotlineImportReport(file=path.name, dry_run=dry_run)
    try:
        community = current_community(session)
        calendar = calendar or WorkCalendar.load(session)
        parsed = parse_rows(rows, columns, calendar)
        report.rejected += parsed.rejected
        report.duplicates += len(parsed.repeated)
        report.duplicate_rows += parsed.repeated
        report.corrected += parsed.corrected
        writer = _Writer(session, community, actor=actor, today=today, report=report, file=path.name)
        writer.run(parsed.orders, scope)
        report.rejected.sort(key=lambda r: r.row)
        report.duplicate_rows.sort(key=lambda r: r.row)
        if dry_run:
            session.rollback()
        else:
            audit.record(
                session,
                actor=actor,
                action="import",
                subject=f"{report.created}件",
                purpose="导入12345工单",
                detail=(
                    f"{path.name}：新建{report.created}件（按地址分派到网格{report.routed}件，"
                    f"待手工分派{report.unrouted}件），重复{report.duplicates}件，拒绝{len(report.rejected)}行"
                ),
            )
            session.commit()
            report.written = True
    except IntegrityError as exc:
        session.rollback()
        raise ImportFileError(
            "导入时有相同的工单已被另一处导入，本次什么也没有写入：请重新导入（已导入的工单会自动跳过）"
        ) from exc
    except BaseException:
        session.rollback()
        raise
    return report


# --- writing the cases ---------------------------------------------------------------------------


class _Writer:
    def __init__(
        self, session: Session, community: Community, *, actor: str, today: dt.date, report: HotlineImportReport,
        file: str,
    ):  # fmt: skip
        self.session = session
        self.community = community
        self.actor = actor
        self.today = today
        self.report = report
        self.file = file

    def run(self, orders: list[Order], scope: Scope = WHOLE_STREET) -> None:
        router = AddressRouter(self.session, self.community)
        if not scope.whole_street:
            orders = self.within(orders, scope, router)
        stored = self.stored_orders([o.order_no for o in orders])
        fresh: list[Order] = []
        for order in orders:
            if order.order_no in stored:
                self.report.duplicates += 1
                reason = f"工单编号 {order.order_no} 已导入（办件 {stored[order.order_no]}），已跳过"
                self.report.duplicate_rows.append(RejectedRow(order.row, reason))
            else:
                fresh.append(order)
        if not fresh:
            return
        routes = {o.order_no: router.route(o.address) for o in fresh}
        leaders = self.grid_leaders({r.grid_id for r in routes.values() if r.grid_id is not None})
        residents = self.residents_by_contact(fresh)
        for order in fresh:
            route = routes[order.order_no]
            owner = leaders.get(route.grid_id, self.actor) if route.grid_id is not None else self.actor
            case_no = None
            if not self.report.dry_run:
                case = self.create_case(order, route, owner, residents.get((order.name, order.phone)))
                case_no = case.case_no
            self.report.created += 1
            if route.grid_id is not None:
                self.report.routed += 1
            else:
                self.report.unrouted += 1
            grid = router.grid_label[route.grid_id] if route.grid_id is not None else ""
            self.report.orders.append(
                ImportedOrder(order.row, order.order_no, case_no, grid, owner, order.due_date, route.note)
            )

    def within(self, orders: list[Order], scope: Scope, router: AddressRouter) -> list[Order]:
        """The orders routed to a grid of ``scope``; the others become rejected rows."""
        kept = []
        for order in orders:
            route = router.route(order.address)
            if route.grid_id is None:
                reason = "地址对应不到网格，须由前台或后台导入后手工分派"
            elif not scope.allows_grid(route.grid_id):
                reason = "地址不在您负责的网格内，须由该网格或前台导入"
            else:
                kept.append(order)
                continue
            self.report.rejected.append(RejectedRow(order.row, reason))
        return kept

    def stored_orders(self, numbers: list[str]) -> dict[str, str]:
        """order number -> case number, for the orders already in the database."""
        found: dict[str, str] = {}
        for start in range(0, len(numbers), CHUNK):
            chunk = numbers[start : start + CHUNK]
            stmt = select(Case.hotline_order_no, Case.case_no).where(Case.hotline_order_no.in_(chunk))
            found.update({order_no: case_no for order_no, case_no in self.session.execute(stmt)})
        return found

    def grid_leaders(self, grid_ids: set[int]) -> dict[int, str]:
        if not grid_ids:
            return {}
        stmt = (
            select(GridStaff.grid_id, GridStaff.name)
            .where(GridStaff.role == GRID_LEADER, GridStaff.grid_id.in_(grid_ids))
            .order_by(GridStaff.sort_order, GridStaff.id)
        )
        leaders: dict[int, str] = {}
        for grid_id, name in self.session.execute(stmt):
            if name.strip():
                leaders.setdefault(grid_id, name.strip())
        return leaders

    def residents_by_contact(self, orders: list[Order]) -> dict[tuple[str, str], int]:
        """(name, phone) -> resident id, where exactly one resident has that name and phone."""
        phones = sorted({o.phone for o in orders if o.name and o.phone})
        found: dict[tuple[str, str], list[int]] = {}
        for start in range(0, len(phones), CHUNK):
            chunk = phones[start : start + CHUNK]
            stmt = select(Resident.id, Resident.name, Resident.phone).where(Resident.phone.in_(chunk))
            for resident_id, name, phone in self.session.execute(stmt):
                found.setdefault((name, phone), []).append(resident_id)
        return {key: ids[0] for key, ids in found.items() if len(ids) == 1}

    def create_case(self, order: Order, route: Route, owner: str, resident_id: int | None) -> Case:
        community = self.community
        now = utcnow()
        case = Case(
            origin_community=community.code,
            case_no=next_case_no(self.session, community.short_code, self.today),
            community_id=community.id,
            channel=CHANNEL,
            status="accepted",
            item_id=None,
            item_code="",
            item_name=f"{ITEM_NAME}（{order.category}）" if order.category else ITEM_NAME,
            promised_days=order.promised_days,
            resident_id=resident_id,
            applicant_name=order.name,
            applicant_id_number="",
            applicant_phone=order.phone,
            grid_id=route.grid_id,
            first_responder=self.actor,
            owner=owner,
            content=order.content,
            address=order.address,
            received_at=order.called_at.astimezone(dt.UTC).replace(tzinfo=None),
            accepted_at=now,
            due_date=order.due_date,
            hotline_order_no=order.order_no,
            materials_received=[],
            materials_missing=[],
            events=[],
        )
        self.session.add(case)
        note = f"12345工单 {order.order_no}" + (f"，承办单位：{order.unit}" if order.unit else "")
        workflow.record_event(
            case,
            actor=self.actor,
            action=EVENT_ACTION,
            note=note,
            data={
                "order_no": order.order_no,
                "file": self.file,
                "row": order.row,
                "category": order.category,
                "handling_unit": order.unit,
                "due_date": order.due_date.isoformat(),
                "routing": route.note,
            },
        )
        # Flushed one by one: a clash with an order stored meanwhile by another desk surfaces here,
        # not inside the savepoint next_case_no opens for the next number.
        self.session.flush()
        return case
