"""Adding or changing one person of a grid (1+9+X): name, role, phone, organisation, duty, photo.

The dialog saves through app.services.grids.places when the person presses 保存; a refused value is shown
under the fields and the dialog stays open. A chosen photo is cut to portrait shape and scaled
down before it is stored, so a 12-megapixel phone picture does not become a 5 MB row.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QImageReader
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.models.staff import BUILDING_LEADER, STAFF_ROLES
from app.services.grids import places as grids
from app.services.grids.rules import MAX_LENGTH, GridEditError
from app.views.desk.context import DeskContext
from app.views.desk.grid_models import thumbnail

PHOTO_PREVIEW = QSize(96, 128)
PHOTO_MAX_SIDE = 600  # pixels on the long side: enough for a 3 cm photo printed at 300 dpi on A3
ERROR_STYLE = "border: 1px solid #b42318;"


def photo_bytes(path: str) -> bytes:
    """A picture file as a JPEG of at most PHOTO_MAX_SIDE pixels; ValueError if it is no image."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)  # phone pictures carry their rotation in EXIF
    image = reader.read()
    if image.isNull():
        raise ValueError(f"无法读取图片：{reader.errorString()}")
    if max(image.width(), image.height()) > PHOTO_MAX_SIDE:
        image = image.scaled(PHOTO_MAX_SIDE, PHOTO_MAX_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)  # fmt: skip
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPEG", 88)
    buffer.close()
    return bytes(data.data())


class StaffDialog(QDialog):
    """``staff`` None adds a person to ``grid_code``; otherwise that person is changed."""

    def __init__(self, ctx: DeskContext, grid_code: str, buildings: list[grids.BuildingRow],
                 staff: grids.StaffRow | None = None, parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.ctx = ctx
        self.grid_code = grid_code
        self.original = staff
        self.photo: bytes | None = staff.photo if staff else None
        self.saved_id: int | None = None
        self.setWindowTitle(f"修改人员 — {staff.name}" if staff else "添加网格人员")
        self.setMinimumWidth(560)

        self.name = QLineEdit(staff.name if staff else "")
        self.name.setMaxLength(50)
        self.role = QComboBox()
        for code, (name, group) in STAFF_ROLES.items():
            self.role.addItem(f"{name}（{group}）", code)
        self.role.setCurrentIndex(max(0, self.role.findData(staff.role if staff else "comprehensive")))
        self.building = QComboBox()
        self.building.addItem("（不关联楼栋）", None)
        for b in buildings:
            self.building.addItem(b.name, b.id)
        if staff and staff.building_id is not None:
            self.building.setCurrentIndex(max(0, self.building.findData(staff.building_id)))
        self.phone = QLineEdit(staff.phone if staff else "")
        self.phone.setPlaceholderText("手机号，或带区号的固定电话，如 0919-3188000")
        self.organisation = QLineEdit(staff.organisation if staff else "")
        self.organisation.setMaxLength(MAX_LENGTH["organisation"])
        self.organisation.setPlaceholderText("派出单位，如 王益区城市管理执法局")
        self.duty = QPlainTextEdit(staff.duty if staff else "")
        self.duty.setPlaceholderText("印在公示牌上的职责，一两句话")
        self.duty.setFixedHeight(72)

        self.photo_label = QLabel()
        self.photo_label.setFixedSize(PHOTO_PREVIEW)
        self.photo_label.setStyleSheet("border: 1px solid #c9d2dc;")
        self.choose_photo_button = QPushButton("选择照片…")
        self.remove_photo_button = QPushButton("移除照片")
        self.choose_photo_button.clicked.connect(self.choose_photo)
        self.remove_photo_button.clicked.connect(self.remove_photo)
        photo_buttons = QVBoxLayout()
        photo_buttons.addWidget(self.choose_photo_button)
        photo_buttons.addWidget(self.remove_photo_button)
        hint = QLabel("无照片时公示牌印姓氏头像")
        hint.setStyleSheet("color: #5b6b7a;")
        photo_buttons.addWidget(hint)
        photo_buttons.addStretch(1)
        photo_row = QHBoxLayout()
        photo_row.addWidget(self.photo_label)
        photo_row.addLayout(photo_buttons)
        photo_row.addStretch(1)

        form = QFormLayout()
        self.fields = {"name": self.name, "role": self.role, "building_id": self.building, "phone": self.phone,
                       "organisation": self.organisation, "duty": self.duty}  # fmt: skip
        labels = {"name": "姓名", "role": "角色", "building_id": "楼栋", "phone": "电话", "organisation": "派出单位",
                  "duty": "职责"}  # fmt: skip
        for key, widget in self.fields.items():
            form.addRow(labels[key], widget)
        form.addRow("照片", photo_row)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b42318;")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()
        self._show_photo()
        self.name.setFocus()

    def _role_changed(self) -> None:
        is_building_leader = self.role.currentData() == BUILDING_LEADER
        self.building.setEnabled(is_building_leader)
        if not is_building_leader:
            self.building.setCurrentIndex(0)

    def _show_photo(self) -> None:
        self.photo_label.setPixmap(thumbnail(self.photo, self.name.text() or "?", PHOTO_PREVIEW))
        self.remove_photo_button.setEnabled(self.photo is not None)

    def choose_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择照片", "", "图片 (*.jpg *.jpeg *.png *.bmp)")
        if not path:
            return
        try:
            self.photo = photo_bytes(path)
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.error.clear()
        self._show_photo()

    def remove_photo(self) -> None:
        self.photo = None
        self._show_photo()

    def values(self) -> dict:
        return {
            "name": self.name.text(),
            "role": self.role.currentData(),
            "phone": self.phone.text(),
            "organisation": self.organisation.text(),
            "duty": self.duty.toPlainText(),
            "photo": self.photo,
            "building_id": self.building.currentData(),
        }

    def accept(self) -> None:
        for widget in self.fields.values():
            widget.setStyleSheet("")
        actor = self.ctx.user.username
        try:
            with self.ctx.db.sessions.begin() as session:
                if self.original is None:
                    self.saved_id = grids.add_staff(session, self.grid_code, self.values(), actor=actor)
                else:
                    grids.update_staff(session, self.original.id, self.values(), actor=actor)
                    self.saved_id = self.original.id
        except GridEditError as exc:
            for key in exc.errors:
                if key in self.fields:
                    self.fields[key].setStyleSheet(ERROR_STYLE)
            self.error.setText("\n".join(exc.errors.values()))
            return
        super().accept()
