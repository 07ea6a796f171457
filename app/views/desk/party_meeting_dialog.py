"""One meeting at the desk: what it was (kind, date, place, topic, host, recorder, minutes,
decisions), who came (a card swiped or the number typed into the check-in field, or a member
ticked in the list), who was absent and why, its photos (copied into the meeting's folder), and
its 会议记录 printed. Every change is written at once, so closing the dialog loses nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.models import MEETING_KINDS
from app.printing.documents.meeting_minutes import render_minutes
from app.services.party import meeting_photos
from app.services.party.meeting_records import (
    HOW_NAMES,
    MeetingDraft,
    MeetingRecord,
    meeting_record,
    save_meeting,
)
from app.services.party.meetings import check_in, mark_absent, tick_present
from app.services.party.members import MemberError
from app.services.population.lookup import LookupFailed, keeping_refusals
from app.views.desk.context import DeskContext
from app.views.desk.document_dialog import open_preview
from app.views.ops import Op, failure_text


class MeetingDialog(QDialog):
    def __init__(self, ctx: DeskContext, meeting_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.meeting_id = ctx, meeting_id
        self.record: MeetingRecord | None = None
        self.preview = None
        self.setWindowTitle("组织生活记录")
        self.resize(900, 640)
        outer = QHBoxLayout(self)
        form = QFormLayout()
        self.kind = QComboBox()
        for code, name in MEETING_KINDS.items():
            self.kind.addItem(name, code)
        self.held_on = QDateEdit(calendarPopup=True)
        self.held_on.setDisplayFormat("yyyy-MM-dd")
        self.held = QCheckBox("已召开（不勾选为计划）")
        self.place, self.topic = QLineEdit(), QLineEdit()
        self.host, self.recorder = QLineEdit(), QLineEdit()
        self.minutes, self.decisions = QPlainTextEdit(), QPlainTextEdit()
        self.decisions.setMaximumHeight(90)
        for label, widget in (
            ("会议类型", self.kind),
            ("日期", self.held_on),
            ("", self.held),
            ("地点", self.place),
            ("主题", self.topic),
            ("主持人", self.host),
            ("记录人", self.recorder),
            ("会议内容", self.minutes),
            ("决定事项", self.decisions),
        ):
            form.addRow(label, widget)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("保存")
        self.save_button.clicked.connect(self.save)
        self.print_button = QPushButton("打印会议记录")
        self.print_button.clicked.connect(self.print_minutes)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        form.addRow(buttons)
        self.message = QLabel()
        self.message.setWordWrap(True)
        form.addRow(self.message)
        outer.addLayout(form, 3)
        side = QVBoxLayout()
        self.card_field = QLineEdit()
        self.card_field.setPlaceholderText("刷身份证或输入身份证号签到")
        self.card_field.returnPressed.connect(self.swipe)
        side.addWidget(QLabel("签到"))
        side.addWidget(self.card_field)
        self.counts = QLabel()
        side.addWidget(self.counts)
        self.roll = QListWidget()
        self.roll.itemDoubleClicked.connect(lambda _item: self.tick())
        side.addWidget(self.roll, 3)
        marks = QHBoxLayout()
        self.tick_button = QPushButton("勾选到会")
        self.tick_button.clicked.connect(self.tick)
        self.absent_button = QPushButton("登记缺席…")
        self.absent_button.clicked.connect(self.absent)
        marks.addWidget(self.tick_button)
        marks.addWidget(self.absent_button)
        side.addLayout(marks)
        side.addWidget(QLabel("会议照片"))
        self.photos = QListWidget()
        side.addWidget(self.photos, 1)
        photo_buttons = QHBoxLayout()
        self.add_photo_button = QPushButton("添加照片…")
        self.add_photo_button.clicked.connect(lambda: self.add_photo())
        self.remove_photo_button = QPushButton("移除照片")
        self.remove_photo_button.clicked.connect(self.remove_photo)
        photo_buttons.addWidget(self.add_photo_button)
        photo_buttons.addWidget(self.remove_photo_button)
        side.addLayout(photo_buttons)
        outer.addLayout(side, 2)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)  # Enter from the card reader checks in, never saves
        self.reload(fill=True)

    # --- reading ------------------------------------------------------------------------------

    def reload(self, fill: bool = False) -> None:
        with self.ctx.db.sessions.begin() as session:
            self.record = meeting_record(
                session, self.meeting_id, scope=self.ctx.scope, actor=self.ctx.user.username
            )
        record = self.record
        if fill:
            draft = record.draft
            self.setWindowTitle(f"组织生活记录 · {record.branch}")
            self.kind.setCurrentIndex(self.kind.findData(draft.kind))
            self.held_on.setDate(QDate(draft.held_on.year, draft.held_on.month, draft.held_on.day))
            self.held.setChecked(draft.held)
            for field, value in (
                (self.place, draft.place),
                (self.topic, draft.topic),
                (self.host, draft.host),
                (self.recorder, draft.recorder),
            ):
                field.setText(value)
            self.minutes.setPlainText(draft.minutes)
            self.decisions.setPlainText(draft.decisions)
        self.roll.clear()
        for a in record.attendees:
            if a.present:
                state = f"✔ 到会（{HOW_NAMES.get(a.how, '补记')}）"
            elif a.present is False:
                state = f"✘ 缺席：{a.reason}"
            else:
                state = "未签到"
            item = QListWidgetItem(f"{a.name}　{state}")
            item.setData(Qt.ItemDataRole.UserRole, a.member_id)
            self.roll.addItem(item)
        self.counts.setText(
            f"应到{record.expected}人，实到{len(record.present)}人，缺席{len(record.absent)}人"
        )
        self.photos.clear()
        for photo in record.photos:
            item = QListWidgetItem(photo.original_name or photo.stored_name)
            item.setData(Qt.ItemDataRole.UserRole, photo.id)
            self.photos.addItem(item)

    def draft(self) -> MeetingDraft:
        return MeetingDraft(
            kind=self.kind.currentData(),
            held_on=self.held_on.date().toPython(),
            topic=self.topic.text(),
            place=self.place.text(),
            held=self.held.isChecked(),
            host=self.host.text(),
            recorder=self.recorder.text(),
            minutes=self.minutes.toPlainText(),
            decisions=self.decisions.toPlainText(),
        )

    # --- changes -------------------------------------------------------------------------------

    def _change(self, work, done: str) -> bool:
        try:
            keeping_refusals(self.ctx.db.sessions, work)
        except (MemberError, LookupFailed, OSError) as exc:
            self.message.setText(str(exc) if not isinstance(exc, OSError) else failure_text(exc))
            return False
        self.message.setText(done)
        self.reload()
        return True

    def save(self) -> bool:
        draft, scope, actor = self.draft(), self.ctx.scope, self.ctx.user.username
        return self._change(
            lambda s: save_meeting(s, self.meeting_id, draft, scope=scope, actor=actor), "会议记录已保存"
        )

    def swipe(self) -> None:
        id_text = self.card_field.text().strip()
        if not id_text:
            return
        names: list[str] = []

        def work(session):
            names.append(
                check_in(
                    session, self.meeting_id, id_text, scope=self.ctx.scope, actor=self.ctx.user.username
                )
            )

        self.card_field.clear()
        if self._change(work, ""):
            self.message.setText(f"{names[0]}已签到")
        self.card_field.setFocus()

    def _chosen_member(self) -> int | None:
        item = self.roll.currentItem()
        if item is None:
            self.message.setText("请先在名单中选择党员")
            return None
        return item.data(Qt.ItemDataRole.UserRole)

    def tick(self) -> None:
        member_id = self._chosen_member()
        if member_id is None:
            return
        scope, actor = self.ctx.scope, self.ctx.user.username
        self._change(
            lambda s: tick_present(s, self.meeting_id, member_id, scope=scope, actor=actor), "已勾选到会"
        )

    def absent(self, reason: str | None = None) -> None:
        member_id = self._chosen_member()
        if member_id is None:
            return
        if reason is None:
            reason, ok = QInputDialog.getText(self, "登记缺席", "缺席原因（如：外出务工、生病住院）")
            if not ok:
                return
        scope, actor = self.ctx.scope, self.ctx.user.username
        self._change(
            lambda s: mark_absent(s, self.meeting_id, member_id, reason, scope=scope, actor=actor),
            "已登记缺席",
        )

    def add_photo(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "选择会议照片", "", "图片 (*.jpg *.jpeg *.png)")
            if not path:
                return
        scope, actor = self.ctx.scope, self.ctx.user.username
        self._change(
            lambda s: meeting_photos.add_photo(s, self.meeting_id, Path(path), scope=scope, actor=actor),
            f"已添加照片：{Path(path).name}",
        )

    def remove_photo(self) -> None:
        item = self.photos.currentItem()
        if item is None:
            self.message.setText("请先选择要移除的照片")
            return
        photo_id = item.data(Qt.ItemDataRole.UserRole)
        scope, actor = self.ctx.scope, self.ctx.user.username
        self._change(
            lambda s: meeting_photos.remove_photo(s, photo_id, scope=scope, actor=actor), "照片已移除"
        )

    def print_minutes(self) -> None:
        """Save what is on the screen first: the paper shows the record as it stands."""
        if not self.save():
            return
        db, scope, actor, centre = self.ctx.db, self.ctx.scope, self.ctx.user.username, self.ctx.centre_name
        meeting_id = self.meeting_id

        def work() -> tuple[bytes, MeetingRecord]:
            with db.sessions.begin() as session:
                record = meeting_record(session, meeting_id, scope=scope, actor=actor)
                photos = meeting_photos.photo_files(session, meeting_id)
            return render_minutes(record, photos, centre_name=centre), record

        def rendered(result: tuple[bytes, MeetingRecord]) -> None:
            pdf, record = result
            self.message.setText("会议记录已生成")
            self.preview = open_preview(
                self.ctx,
                "会议记录",
                pdf,
                suggested_name=f"{record.branch}-{record.draft.held_on}-会议记录.pdf",
                parent=self,
                modal=False,
            )

        Op(self, work, runner=self.ctx.runner).success(rendered).failure(
            lambda exc: self.message.setText(failure_text(exc))
        ).run()
