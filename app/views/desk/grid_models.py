"""Item models of the grid screens: the place tree, a grid's staff and buildings, and the list of
boards to choose for printing. Each is a plain model over records (app.services.grids.records) that
app.services.grids.places reads, reset with fresh records after every save."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QAbstractTableModel, QModelIndex, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPixmap

from app.services.grids.records import BoardRow, BuildingRow, CommunityNode, StaffRow
from app.views.desk.resident_panel import initial_avatar

_ROOT = QModelIndex()
CODE_ROLE = Qt.ItemDataRole.UserRole + 1  # grid code of a grid or building row
KIND_ROLE = Qt.ItemDataRole.UserRole + 2  # "street", "community", "grid", "building"
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 3  # text the search box matches
BUILDING_ROLE = Qt.ItemDataRole.UserRole + 4  # building id of a building row
OUTDATED = QColor("#a8201a")
MUTED = QColor("#5b6b7a")
THUMB = QSize(24, 30)


@dataclass(eq=False)
class _Node:
    kind: str
    label: str
    code: str = ""  # grid code (grids and their buildings)
    households: int | None = None
    residents: int | None = None
    outdated: bool = False
    search: str = ""
    building_id: int | None = None
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)

    def add(self, child: _Node) -> _Node:
        child.parent = self
        self.children.append(child)
        return child

    def row(self) -> int:
        return self.parent.children.index(self) if self.parent else 0


class GridTreeModel(QAbstractItemModel):
    """Street → community → grid → building, with households and residents per row."""

    HEADERS = ["名称", "户数", "人数"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self._root = _Node("root", "")

    def set_tree(self, communities: list[CommunityNode]) -> None:
        self.beginResetModel()
        root = _Node("root", "")
        streets: dict[str, _Node] = {}
        for c in communities:
            street = streets.get(c.street_code)
            if street is None:
                street = streets[c.street_code] = root.add(
                    _Node("street", c.street_name, search=c.street_name)
                )
            street.households = (street.households or 0) + c.households
            street.residents = (street.residents or 0) + c.residents
            community = street.add(_Node("community", c.name, households=c.households, residents=c.residents,
                                         search=c.name))  # fmt: skip
            for g in c.grids:
                grid = community.add(_Node("grid", g.name, g.code, g.households, g.residents, g.board_outdated,
                                           f"{g.name} {g.code}"))  # fmt: skip
                for b in g.buildings:
                    label = f"{b.name}（楼栋长 {b.leader}）" if b.leader else b.name
                    search = f"{b.name} {b.leader}"
                    grid.add(_Node("building", label, g.code, b.households, b.residents, False, search, b.id))
        self._root = root
        self.endResetModel()

    def grid_index(self, code: str) -> QModelIndex:
        """The index of the grid row with ``code`` (invalid when there is none)."""
        for street in self._root.children:
            for community in street.children:
                for grid in community.children:
                    if grid.code == code:
                        return self.createIndex(grid.row(), 0, grid)
        return QModelIndex()

    # -- Qt ------------------------------------------------------------------------------------
    def _node(self, index: QModelIndex) -> _Node:
        return index.internalPointer() if index.isValid() else self._root

    def index(self, row, column, parent=_ROOT) -> QModelIndex:
        node = self._node(parent)
        if 0 <= row < len(node.children) and 0 <= column < len(self.HEADERS):
            return self.createIndex(row, column, node.children[row])
        return QModelIndex()

    def parent(self, index=_ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        parent = index.internalPointer().parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row(), 0, parent)

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802 — Qt names
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node: _Node = index.internalPointer()
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return node.label
            value = node.households if column == 1 else node.residents
            return None if value is None else f"{value:,}"
        if role == Qt.ItemDataRole.ToolTipRole and node.kind == "grid":
            board = "公示牌待重印" if node.outdated else "公示牌已是最新"
            return f"{node.label}　编码 {node.code}\n{board}"
        if role == CODE_ROLE:
            return node.code
        if role == KIND_ROLE:
            return node.kind
        if role == BUILDING_ROLE:
            return node.building_id
        if role == SEARCH_ROLE:
            return node.search
        if role == Qt.ItemDataRole.ForegroundRole:
            if node.kind == "grid" and node.outdated and column == 0:
                return OUTDATED
            if node.kind == "building" or column > 0:
                return MUTED
        if role == Qt.ItemDataRole.FontRole and node.kind in ("street", "community") and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class _Table(QAbstractTableModel):
    HEADERS: list[str] = []

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Any] = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


def thumbnail(photo: bytes | None, name: str, size: QSize = THUMB) -> QPixmap:
    """The person's photo cropped to ``size``, or their initial on a calm background."""
    if photo:
        pixmap = QPixmap()
        if pixmap.loadFromData(photo):
            scaled = pixmap.scaled(size, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                                   Qt.TransformationMode.SmoothTransformation)  # fmt: skip
            x, y = (scaled.width() - size.width()) // 2, (scaled.height() - size.height()) // 2
            return scaled.copy(x, y, size.width(), size.height())
    return initial_avatar(name, (size.width(), size.height()))


class StaffTableModel(_Table):
    HEADERS = ["照片", "1+9+X", "角色", "姓名", "电话", "派出单位", "职责"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self._thumbs: dict[int, QPixmap] = {}

    def set_rows(self, rows: list[StaffRow]) -> None:
        self._thumbs = {}
        super().set_rows(rows)

    def staff(self, row: int) -> StaffRow:
        return self.rows[row]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        s: StaffRow = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            if s.id not in self._thumbs:
                self._thumbs[s.id] = thumbnail(s.photo, s.name)
            return self._thumbs[s.id]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            role_text = f"{s.role_name}（{s.building}）" if s.building else s.role_name
            values = ["", s.group, role_text, s.name, s.phone, s.organisation, s.duty]
            if role == Qt.ItemDataRole.ToolTipRole and column == 0:
                return "有照片" if s.photo else "无照片（公示牌印姓氏头像）"
            return values[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.FontRole and column in (1, 3) and s.group == "1":
            font = QFont()
            font.setBold(True)
            return font
        return None


class BuildingTableModel(_Table):
    HEADERS = ["楼栋", "单元×层", "户数", "人数", "楼栋长", "楼栋党小组", "党员中心户"]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        b: BuildingRow = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = [b.name, f"{b.units}×{b.floors}", str(b.households), str(b.residents), b.leaders or "（未设）",
                      b.party_group or "—", "、".join(b.member_households) or "—"]  # fmt: skip
            if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
                return b.address or b.name
            return values[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 4 and not b.leaders:
            return OUTDATED
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (1, 2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class BoardListModel(QAbstractListModel):
    """Grids with their board state; ``checkable`` for choosing what to print."""

    def __init__(self, parent=None, *, checkable: bool = False):
        super().__init__(parent)
        self.boards: list[BoardRow] = []
        self.checked: set[str] = set()
        self.checkable = checkable

    def set_boards(self, boards: list[BoardRow], checked: set[str] | None = None) -> None:
        self.beginResetModel()
        self.boards = list(boards)
        known = {b.code for b in self.boards}
        self.checked = (set(checked) if checked is not None else set()) & known
        self.endResetModel()

    def set_checked(self, codes) -> None:
        self.checked = set(codes) & {b.code for b in self.boards}
        if self.boards:
            self.dataChanged.emit(
                self.index(0), self.index(len(self.boards) - 1), [Qt.ItemDataRole.CheckStateRole]
            )

    def checked_codes(self) -> list[str]:
        return [b.code for b in self.boards if b.code in self.checked]

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.boards)

    def flags(self, index):
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsUserCheckable if self.checkable else flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        b = self.boards[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            state = (
                f"待重印（第{b.board_version}版，墙上第{b.printed_version}版）"
                if b.printed_version
                else "待印（从未打印）"
            )
            return f"{b.community} {b.name}　{state if b.outdated else '已是最新'}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"网格编码 {b.code}"
        if role == CODE_ROLE:
            return b.code
        if role == Qt.ItemDataRole.CheckStateRole and self.checkable:
            return Qt.CheckState.Checked if b.code in self.checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and b.outdated and self.checkable:
            return OUTDATED
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not (index.isValid() and self.checkable and role == Qt.ItemDataRole.CheckStateRole):
            return False
        code = self.boards[index.row()].code
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.checked.add(code)
        else:
            self.checked.discard(code)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True
