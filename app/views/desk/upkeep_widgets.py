"""Pieces the upkeep dialogs share: the dialog frame that saves through an ``Op``, the household
picker (search by building, room or head; or a new room), and the photo field (file or clipboard).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.population.changes import Change, Room
from app.services.population.picking import find_households
from app.services.population.registration import building_choices, grid_choices
from app.views.desk.context import DeskContext
from app.views.ops import Op, failure_text

RELATIONS = ["配偶", "子", "女", "父亲", "母亲", "孙子", "孙女", "兄弟姐妹", "儿媳", "女婿", "其他"]
PHOTO_LIMIT = 2 * 1024 * 1024  # bytes: an ID photo is a few tens of kilobytes


class UpkeepDialog(QDialog):
    """A form with an error line and 保存/取消. ``save`` runs ``work(session)`` in one transaction
    through an Op; on success the dialog closes with ``change`` set, on failure it stays open
    with the service's sentence and everything typed kept."""

    def __init__(self, ctx: DeskContext, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.change: Change | None = None
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.form = QFormLayout(self)
        self.error = QLabel()
        self.error.setObjectName("upkeepError")
        self.error.setStyleSheet("color: #b42318;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def finish_form(self) -> None:
        self.form.addRow(self.error)
        self.form.addRow(self.buttons)

    def work(self) -> Callable:  # pragma: no cover - every dialog defines it
        raise NotImplementedError

    def save(self) -> None:
        try:
            job = self.work()
        except ValueError as exc:  # a field that cannot be read (e.g. no household chosen)
            self.error.setText(str(exc))
            return
        sessions, actor, scope = self.ctx.db.sessions, self.ctx.user.username, self.ctx.scope

        def run() -> Change:
            with sessions.begin() as session:
                return job(session, actor=actor, scope=scope)

        self.save_button.setEnabled(False)
        Op(self, run, runner=self.ctx.runner).success(self._saved).failure(self._failed).run()

    def _saved(self, change: Change) -> None:
        self.change = change
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        self.error.setText(str(exc) if isinstance(exc, ValueError) else failure_text(exc))


class RoomPicker(QWidget):
    """An existing household (search by building, room or head's name) or a new room."""

    def __init__(self, ctx: DeskContext, *, existing: bool = True, new_room: bool = True):
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.existing = QRadioButton("已有的户")
        self.new = QRadioButton("新的房间")
        group = QButtonGroup(self)
        modes = QHBoxLayout()
        for button in (self.existing, self.new):
            group.addButton(button)
            modes.addWidget(button)
        modes.addStretch(1)
        layout.addLayout(modes)
        self.search = QLineEdit()
        self.search.setPlaceholderText("楼栋、房号或户主姓名，如 和平里1号楼 502，回车查找")
        self.search.returnPressed.connect(self.find)
        self.results = QListWidget()
        self.results.setMaximumHeight(140)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        self.room_box = QWidget()
        room_form = QFormLayout(self.room_box)
        room_form.setContentsMargins(0, 0, 0, 0)
        self.grid = QComboBox()
        self.building = QComboBox()
        self.unit = QSpinBox()
        self.unit.setRange(1, 12)
        self.room = QLineEdit()
        self.room.setPlaceholderText("如 502")
        with ctx.db.sessions() as session:
            for grid in grid_choices(session):
                if ctx.scope.allows_grid(grid.id):
                    self.grid.addItem(grid.label, grid.id)
        self.grid.currentIndexChanged.connect(self._load_buildings)
        for label, widget in (
            ("网格", self.grid),
            ("楼栋", self.building),
            ("单元", self.unit),
            ("房号", self.room),
        ):
            room_form.addRow(label, widget)
        layout.addWidget(self.room_box)
        self._load_buildings()
        self.existing.toggled.connect(self._mode)
        self.existing.setVisible(existing and new_room)
        self.new.setVisible(existing and new_room)
        (self.existing if existing else self.new).setChecked(True)
        self._mode()

    def _mode(self) -> None:
        existing = self.existing.isChecked()
        self.search.setVisible(existing)
        self.results.setVisible(existing)
        self.room_box.setVisible(not existing)

    def _load_buildings(self) -> None:
        self.building.clear()
        grid_id = self.grid.currentData()
        if grid_id is None:
            return
        with self.ctx.db.sessions() as session:
            for building in building_choices(session, grid_id):
                self.building.addItem(building.label, building.id)

    def find(self) -> None:
        with self.ctx.db.sessions() as session:
            found = find_households(session, self.search.text(), scope=self.ctx.scope)
        self.results.clear()
        for choice in found:
            head = f"户主 {choice.head}" if choice.head else "无户主"
            item = QListWidgetItem(f"{choice.label}（{head}，{choice.living}人）")
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)
        else:
            self.results.addItem("没有找到，请换个写法")

    def household_id(self) -> int | None:
        item = self.results.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def room_choice(self) -> Room:
        """The chosen place; ValueError with a sentence when nothing is chosen."""
        if self.existing.isChecked():
            household_id = self.household_id()
            if household_id is None:
                raise ValueError("请先查找并选择一户")
            return Room(household_id=household_id)
        if self.building.currentData() is None:
            raise ValueError("请选择楼栋")
        return Room(building_id=self.building.currentData(), unit=self.unit.value(), room=self.room.text())


class PhotoField(QWidget):
    """A photo from a file or pasted from the clipboard; ``image`` holds its bytes (or None)."""

    def __init__(self):
        super().__init__()
        self.image: bytes | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.preview = QLabel("未更换")
        self.preview.setFixedSize(68, 84)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("border: 1px solid #c8d0d8;")
        layout.addWidget(self.preview)
        self.from_file = QPushButton("从文件选择…")
        self.from_file.clicked.connect(self.choose_file)
        self.paste = QPushButton("粘贴剪贴板图片")
        self.paste.clicked.connect(self.paste_clipboard)
        layout.addWidget(self.from_file)
        layout.addWidget(self.paste)
        layout.addStretch(1)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择照片", "", "图片 (*.jpg *.jpeg *.png)")
        if path:
            with open(path, "rb") as handle:
                self.set_bytes(handle.read())

    def paste_clipboard(self) -> None:
        image = QGuiApplication.clipboard().image()
        if image.isNull():
            self.preview.setText("剪贴板中没有图片")
            return
        self.set_image(image)

    def set_image(self, image: QImage) -> None:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        self.set_bytes(bytes(data.data()))

    def set_bytes(self, data: bytes) -> None:
        pixmap = QPixmap()
        if len(data) > PHOTO_LIMIT or not pixmap.loadFromData(data):
            self.preview.setText("不是可用的图片")
            return
        self.image = data
        self.preview.setPixmap(pixmap.scaled(68, 84, Qt.AspectRatioMode.KeepAspectRatio))
