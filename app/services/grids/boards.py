"""What a grid notice board (网格公示牌) prints, read from the database in a few grouped queries.

The board is public by design: names, roles, phones, duties and photos of the grid's staff. ID
numbers never reach a :class:`BoardData`. The QR code says what the street configured: a report
page URL filled with the grid code, or a vCard 3.0 of the grid leader.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, undefer

from app.models import (
    LIVING,
    Building,
    Community,
    Grid,
    GridStaff,
    Household,
    PartyOrganisation,
    Resident,
    Street,
)
from app.models.base import utcnow
from app.models.staff import GRID_LEADER, STAFF_ROLES, role_name
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.common import audit

PUBLIC_HOTLINE = "12345"
PRINT_PURPOSE = "打印网格公示牌"
_ROLE_ORDER = {code: index for index, code in enumerate(STAFF_ROLES)}
# Compound surnames (复姓) that the avatar and the vCard's N field keep together.
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "令狐",
        "慕容",
        "司徒",
        "尉迟",
        "长孙",
        "夏侯",
        "公孙",
        "宇文",
        "端木",
        "独孤",
        "轩辕",
        "西门",
        "南宫",
        "万俟",
        "闻人",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "太叔",
        "申屠",
        "钟离",
        "呼延",
        "赫连",
        "拓跋",
    ]
)


class BoardError(ValueError):
    """A board cannot be made as configured; the message is one sentence for the user."""


@dataclass(frozen=True)
class BoardCommunity:
    name: str
    hotline: str
    service_hours: str


@dataclass(frozen=True)
class BoardGrid:
    code: str
    name: str
    boundary_east: str  # without a leading "东至", which the board prints as the label
    boundary_south: str
    boundary_west: str
    boundary_north: str
    coverage: str
    area_km2: float | None
    buildings: int
    households: int
    residents: int
    party_branch: str  # "" when the grid has no branch on record
    party_secretary: str
    hotline: str
    star_rating: int

    @property
    def boundaries(self) -> tuple[tuple[str, str], ...]:
        """(label, text) for the four boundaries in the order boards print them."""
        return (
            ("东至", self.boundary_east),
            ("南至", self.boundary_south),
            ("西至", self.boundary_west),
            ("北至", self.boundary_north),
        )


@dataclass(frozen=True)
class BoardStaff:
    name: str
    role: str  # code, see STAFF_ROLES
    role_name: str
    phone: str
    duty: str
    organisation: str
    building: str = ""  # for a 楼栋长: the building they look after
    photo: bytes | None = None

    @property
    def group(self) -> str:
        """ "1", "9" or "X" of the 1+9+X arrangement."""
        return STAFF_ROLES.get(self.role, ("", "X"))[1]


@dataclass(frozen=True)
class BoardData:
    street: str
    street_hotline: str
    community: BoardCommunity
    grid: BoardGrid
    staff: tuple[BoardStaff, ...]  # STAFF_ROLES order, the grid leader first
    qr_text: str
    qr_mode: str  # "url" | "vcard"
    board_version: int
    printed_on: dt.date

    @property
    def leader(self) -> BoardStaff | None:
        return next((s for s in self.staff if s.role == GRID_LEADER), None)


# --------------------------------------------------------------------------------------------
def split_name(name: str) -> tuple[str, str]:
    """(surname, given name): 王建国 -> (王, 建国), 欧阳晓 -> (欧阳, 晓), "Anna Li" -> (Li, Anna)."""
    name = name.strip()
    if not name:
        return "", ""
    if " " in name and name.isascii():
        given, _, family = name.rpartition(" ")
        return family, given
    if name[:2] in COMPOUND_SURNAMES and len(name) > 2:
        return name[:2], name[2:]
    return name[:1], name[1:]


def vcard_escape(text: str) -> str:
    """A vCard text value (RFC 6350 3.4): backslash, comma and semicolon escaped, line breaks as \\n."""
    text = text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return re.sub(r"\r\n|\r|\n", r"\\n", text)


def leader_vcard(*, name: str, phone: str, community: str, grid: str, hotline: str) -> str:
    """A vCard 3.0 of a grid leader, lines joined with CRLF (RFC 2426)."""
    family, given = split_name(name)
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{vcard_escape(family)};{vcard_escape(given)};;;",
        f"FN:{vcard_escape(name.strip())}",
    ]
    if phone:
        lines.append(f"TEL;TYPE=CELL:{vcard_escape(phone)}")
    lines += [f"ORG:{vcard_escape(community)};{vcard_escape(grid)}", "TITLE:网格长"]
    note = f"网格服务电话 {hotline}；" if hotline else ""
    lines += [f"NOTE:{vcard_escape(note + f'政务服务便民热线 {PUBLIC_HOTLINE}')}", "END:VCARD"]
    return "\r\n".join(lines)


def qr_text_for(street: Street, grid: Grid, leader: GridStaff | BoardStaff | None) -> str:
    """The text of a grid's board QR code, as the street configured it.

    url: ``street.board_url_template`` with ``{grid_code}`` filled in (BoardError if the template is
    empty or lacks the placeholder). vcard: the grid leader's contact card; a grid without a leader
    gets a card of the grid itself with its service phone.
    """
    mode = (street.board_qr_mode or "url").strip().lower()
    if mode == "url":
        template = (street.board_url_template or "").strip()
        if not template:
            raise BoardError(
                f"{street.name}的公示牌二维码设为网址，但未填写网址模板"
                "（如 https://example.gov.cn/report?grid={grid_code}），请在街道设置中填写"
            )
        if "{grid_code}" not in template:
            raise BoardError(f"{street.name}的公示牌网址模板缺少 {{grid_code}}，各网格的二维码将无法区分")
        return template.replace("{grid_code}", grid.code)
    if mode == "vcard":
        community = grid.community.name
        if leader is None:
            return leader_vcard(
                name=f"{community}{grid.name}",
                phone=grid.hotline or grid.community.hotline,
                community=community,
                grid=grid.name,
                hotline=grid.hotline,
            )
        return leader_vcard(
            name=leader.name, phone=leader.phone, community=community, grid=grid.name, hotline=grid.hotline
        )
    raise BoardError(f"公示牌二维码方式“{street.board_qr_mode}”无法识别，应为 url 或 vcard")


def _boundary(text: str, label: str) -> str:
    """ "东至人民路" -> "人民路": the board prints the label itself."""
    text = (text or "").strip()
    match = re.match(rf"{label[0]}(至\s*[:：]?|\s*[:：])\s*", text)
    return text[match.end() :] if match else text


def _counts(session: Session, grid_ids: Sequence[int] | None) -> dict[str, dict[int, int]]:
    """Buildings, households and residents per grid: one grouped query each."""
    statements = {
        "buildings": select(Building.grid_id, func.count(Building.id)),
        "households": select(Building.grid_id, func.count(Household.id)).join(Household.building),
        "residents": select(Building.grid_id, func.count(Resident.id))
        .join(Resident.household)
        .join(Household.building)
        .where(Resident.state == LIVING),  # people living here, not those who moved away or died
    }
    result = {}
    for key, stmt in statements.items():
        if grid_ids is not None:
            stmt = stmt.where(Building.grid_id.in_(grid_ids))
        result[key] = dict(session.execute(stmt.group_by(Building.grid_id)).all())
    return result


def boards_data(
    session: Session, grid_codes: Sequence[str] | None, today: dt.date, scope: Scope = WHOLE_STREET
) -> list[BoardData]:
    """Boards of the grids ``grid_codes`` in that order (None: every grid within ``scope``, by code).

    Raises BoardError naming unknown codes or codes outside ``scope``, or when the street's QR
    setting is unusable.
    """
    stmt = select(Grid).options(joinedload(Grid.community).joinedload(Community.street))
    if grid_codes is None:
        grids = list(session.scalars(stmt.where(scope.grid_filter(Grid.id)).order_by(Grid.code)))
    else:
        codes = list(dict.fromkeys(grid_codes))
        found = {g.code: g for g in session.scalars(stmt.where(Grid.code.in_(codes)))}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise BoardError(f"没有编码为 {'、'.join(unknown)} 的网格")
        outside = [code for code in codes if not scope.allows_grid(found[code].id)]
        if outside:
            raise BoardError(f"网格 {'、'.join(outside)} 不在您负责的范围")
        grids = [found[code] for code in codes]
    if not grids:
        return []
    ids = None if grid_codes is None and scope.whole_street else [g.id for g in grids]
    counts = _counts(session, ids)
    staff_stmt = select(GridStaff).options(undefer(GridStaff.photo), joinedload(GridStaff.building))
    branch_stmt = select(PartyOrganisation).where(PartyOrganisation.level == "grid_branch")
    if ids is not None:
        staff_stmt = staff_stmt.where(GridStaff.grid_id.in_(ids))
        branch_stmt = branch_stmt.where(PartyOrganisation.grid_id.in_(ids))
    staff: dict[int, list[GridStaff]] = defaultdict(list)
    for person in session.scalars(staff_stmt):
        staff[person.grid_id].append(person)
    branches: dict[int, PartyOrganisation] = {}
    for branch in session.scalars(branch_stmt.order_by(PartyOrganisation.sort_order, PartyOrganisation.id)):
        branches.setdefault(branch.grid_id, branch)
    return [_board(g, staff[g.id], branches.get(g.id), counts, today) for g in grids]


def board_data(session: Session, grid: Grid | str, today: dt.date) -> BoardData:
    """The board of one grid (a Grid or its code)."""
    return boards_data(session, [grid if isinstance(grid, str) else grid.code], today)[0]


def _board(grid, people, branch, counts, today) -> BoardData:
    people = sorted(people, key=lambda p: (_ROLE_ORDER.get(p.role, len(_ROLE_ORDER)), p.sort_order, p.id))
    staff = tuple(
        BoardStaff(
            name=p.name,
            role=p.role,
            role_name=role_name(p.role),
            phone=p.phone,
            duty=p.duty or "",
            organisation=p.organisation or "",
            building=p.building.name if p.building else "",
            photo=p.photo or None,
        )
        for p in people
    )
    leader = next((s for s in staff if s.role == GRID_LEADER), None)
    community, street = grid.community, grid.community.street
    return BoardData(
        street=street.name,
        street_hotline=street.hotline,
        community=BoardCommunity(community.name, community.hotline, community.service_hours),
        grid=BoardGrid(
            code=grid.code,
            name=grid.name,
            **{
                f"boundary_{side}": _boundary(getattr(grid, f"boundary_{side}"), label)
                for side, label in (("east", "东"), ("south", "南"), ("west", "西"), ("north", "北"))
            },
            coverage=grid.coverage or "",
            area_km2=grid.area_km2,
            buildings=counts["buildings"].get(grid.id, 0),
            households=counts["households"].get(grid.id, 0),
            residents=counts["residents"].get(grid.id, 0),
            party_branch=branch.name if branch else "",
            party_secretary=branch.leader_name if branch else "",
            hotline=grid.hotline,
            star_rating=max(0, min(5, grid.star_rating or 0)),
        ),
        staff=staff,
        qr_text=qr_text_for(street, grid, leader),
        qr_mode=(street.board_qr_mode or "url").strip().lower(),
        board_version=grid.board_version,
        printed_on=today,
    )


def outdated_grid_codes(session: Session, scope: Scope = WHOLE_STREET) -> list[str]:
    """Codes of the grids (within ``scope``) whose board on the wall is older than it should be."""
    stmt = (
        select(Grid.code)
        .where(Grid.board_printed_version < Grid.board_version, scope.grid_filter(Grid.id))
        .order_by(Grid.code)
    )
    return list(session.scalars(stmt))


def mark_printed(
    session: Session, grid_codes: Sequence[str], actor: str, *, versions: Mapping[str, int] | None = None
) -> int:
    """Record that the boards of ``grid_codes`` went to the printer: their printed version becomes
    the current one, and ONE audit entry tells who printed how many. The caller commits.

    ``versions`` (grid code -> BoardData.board_version as rendered) records what was actually
    printed: a grid edited between rendering and now stays outdated."""
    codes = list(dict.fromkeys(grid_codes))
    if not codes:
        return 0
    grids = list(session.scalars(select(Grid).where(Grid.code.in_(codes))))
    unknown = sorted(set(codes) - {g.code for g in grids})
    if unknown:
        raise BoardError(f"没有编码为 {'、'.join(unknown)} 的网格")
    now = utcnow()
    for grid in grids:
        printed = grid.board_version if versions is None else versions.get(grid.code, grid.board_version)
        grid.board_printed_version = max(grid.board_printed_version, min(printed, grid.board_version))
        grid.board_printed_at = now
    detail = "、".join(codes)
    audit.record(
        session,
        actor=actor,
        action="print",
        subject=str(len(grids)),
        purpose=PRINT_PURPOSE,
        detail=detail if len(detail) <= 4000 else detail[:3990] + "……",
    )
    session.flush()
    return len(grids)


def mark_previewed_printed(session: Session, rendered: Mapping[str, int], actor: str) -> list[str]:
    """Record that a preview of boards went to a printer or a file. ``rendered`` maps each grid
    code to the board version the preview shows; a board edited since then stays on the reprint
    list, as the paper shows the old content. Returns the codes marked printed; the caller commits."""
    stmt = select(Grid.code, Grid.board_version).where(Grid.code.in_(list(rendered)))
    current = dict(session.execute(stmt).all())
    fresh = [code for code, version in rendered.items() if current.get(code) == version]
    if fresh:
        mark_printed(session, fresh, actor)
    return fresh
