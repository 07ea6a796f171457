"""The resident panel's upkeep menu at the counter: 死亡登记, 编辑, 迁往其他户 and 迁回 through
their dialogs, a refusal that keeps the dialog open, and what a grid worker may (not) do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.models import Household, Resident
from app.services.admin.scope import scope_for
from app.views.desk.context import StaffUser
from app.views.desk.intake_page import IntakePage
from app.views.desk.resident_actions import NOT_ALLOWED
from app.views.desk_app import application, desk_context
from app.views.ops import ImmediateRunner


def page_for(qtbot, demo_db, username: str = "qiantai", role: str = "front_desk") -> IntakePage:
    application()
    ctx = desk_context(demo_db, StaffUser(username, "测试", role), runner=ImmediateRunner())
    page = IntakePage(ctx)
    qtbot.addWidget(page)
    page.show()
    return page


def family(demo_db) -> tuple[str, str, str]:
    """ID numbers of a head and another living member, and the member's name."""
    with demo_db.sessions() as session:
        for household in session.scalars(select(Household).order_by(Household.id)):
            living = [m for m in household.members if m.living]
            if len(living) >= 3 and household.head is not None:
                member = next(m for m in living if m is not household.head)
                return household.head.id_number, member.id_number, member.name
    raise AssertionError


def look_up(qtbot, page: IntakePage, number: str) -> None:
    page.id_field.clear()
    qtbot.keyClicks(page.id_field, number)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)


def save(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def state_of(demo_db, number: str) -> Resident:
    with demo_db.sessions() as session:
        return session.scalars(select(Resident).where(Resident.id_number == number)).one()


def test_recording_a_death_shows_the_badge_the_history_and_no_certificate(qtbot, demo_db):
    page = page_for(qtbot, demo_db)
    _head, member, name = family(demo_db)
    look_up(qtbot, page, member)
    assert page.panel.name.text() == name and page.certificate_button.isEnabled()
    actions = page.panel.actions
    assert actions.isEnabled() and not actions.actions_["return"].isEnabled()
    actions.actions_["death"].trigger()
    dialog = actions.dialog
    assert dialog.windowTitle() == f"死亡登记：{name}"
    dialog.day.setDate(dialog.day.date().addDays(-10))
    save(qtbot, dialog)
    assert not dialog.isVisible()
    died = state_of(demo_db, member)
    assert died.state == "dead"
    assert page.panel.badge.isVisible() and page.panel.badge.text() == f"已死亡 {died.left_on.isoformat()}"
    assert not page.certificate_button.isEnabled()
    assert "（现户主：" in page.panel.fields["home"].text()
    assert page.panel.history.rowCount() == 1 and page.panel.history.item(0, 1).text() == "死亡"
    assert page.panel.lists.tabText(3) == "变更记录（1）"
    assert not any(a.isEnabled() for a in actions.actions_.values())
    page.issue_certificate()  # F6 with the person on screen
    assert "在册居民" in page.message.text()


def test_a_refusal_keeps_the_dialog_open_with_the_sentence_and_what_was_typed(qtbot, demo_db):
    page = page_for(qtbot, demo_db)
    head, _member, _name = family(demo_db)
    look_up(qtbot, page, head)
    page.panel.actions.actions_["leave"].trigger()
    dialog = page.panel.actions.dialog
    dialog.destination.insert("西安市雁塔区")  # Chinese comes through the input method, not key by key
    save(qtbot, dialog)
    assert dialog.isVisible() and "请指定新户主" in dialog.error.text()
    assert dialog.destination.text() == "西安市雁塔区"
    dialog.new_head.box.setCurrentIndex(1)
    save(qtbot, dialog)
    assert not dialog.isVisible() and state_of(demo_db, head).state == "moved"
    assert "已迁出" in page.panel.badge.text() and "西安市雁塔区" in page.panel.badge.text()
    actions = page.panel.actions
    assert actions.actions_["return"].isEnabled() and not actions.actions_["edit"].isEnabled()
    actions.actions_["return"].trigger()
    dialog = actions.dialog
    dialog.relation.setCurrentText("父亲")  # the household has a new head now
    save(qtbot, dialog)
    assert state_of(demo_db, head).state == "living" and not page.panel.badge.isVisible()
    assert page.panel.history.rowCount() == 2


def test_editing_the_phone_and_moving_to_another_household(qtbot, demo_db):
    page = page_for(qtbot, demo_db)
    _head, member, name = family(demo_db)
    look_up(qtbot, page, member)
    actions = page.panel.actions
    actions.actions_["edit"].trigger()
    dialog = actions.dialog
    dialog.fields["phone"].clear()
    qtbot.keyClicks(dialog.fields["phone"], "13912345678")
    save(qtbot, dialog)
    assert page.panel.fields["phone"].text() == "13912345678"
    assert page.panel.history.item(0, 2).text() == f"修改{name}的联系电话"
    with demo_db.sessions() as session:
        target = session.scalars(select(Household).order_by(Household.id.desc()).limit(1)).one()
        search, label = f"{target.building.name} {target.room}", target.label
    actions.actions_["move"].trigger()
    dialog = actions.dialog
    dialog.picker.search.insert(search)
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    rows = [dialog.picker.results.item(i).text() for i in range(dialog.picker.results.count())]
    dialog.picker.results.setCurrentRow(next(i for i, text in enumerate(rows) if text.startswith(label)))
    dialog.relation.setCurrentText("其他")
    save(qtbot, dialog)
    assert not dialog.isVisible(), dialog.error.text()
    assert page.panel.fields["home"].text().startswith(label)
    assert page.panel.history.item(0, 1).text() == "迁往他户"


def test_a_grid_worker_sees_the_menu_disabled_and_finds_no_household_of_another_grid(qtbot, demo_db):
    page = page_for(qtbot, demo_db, "wangge", "grid_worker")
    with demo_db.sessions() as session:
        scope = scope_for(session, "wangge")
        inside = session.scalars(select(Resident).where(scope.resident_filter()).limit(1)).one().id_number
    look_up(qtbot, page, inside)
    actions = page.panel.actions
    assert not actions.isEnabled() and actions.toolTip() == NOT_ALLOWED
    actions.open("edit")  # even asked directly, nothing opens
    assert actions.dialog is None
    # the household picker of the screens is narrowed to the grid worker's grids
    from app.views.desk.upkeep_widgets import RoomPicker

    picker = RoomPicker(page.ctx)
    qtbot.addWidget(picker)
    with demo_db.sessions() as session:
        outsider = next(
            h
            for h in session.scalars(select(Household).order_by(Household.id.desc()).limit(30))
            if not scope.allows_grid(h.building.grid_id)
        )
        search, label = f"{outsider.building.name} {outsider.room}", outsider.label
    picker.search.insert(search)
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert all(not picker.results.item(i).text().startswith(label) for i in range(picker.results.count()))
    assert picker.grid.count() == len(scope.grid_ids)


def test_a_photo_pasted_from_the_clipboard_is_kept(qtbot, demo_db):
    from PySide6.QtGui import QColor, QGuiApplication, QImage

    from app.models import ResidentPhoto

    page = page_for(qtbot, demo_db)
    _head, member, _name = family(demo_db)
    look_up(qtbot, page, member)
    actions = page.panel.actions
    actions.actions_["edit"].trigger()
    dialog = actions.dialog
    qtbot.mouseClick(dialog.photo.paste, Qt.MouseButton.LeftButton)
    assert dialog.photo.image is None and dialog.photo.preview.text() in (
        "剪贴板中没有图片",
        "不是可用的图片",
    )
    image = QImage(102, 126, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366aa"))
    QGuiApplication.clipboard().setImage(image)
    qtbot.mouseClick(dialog.photo.paste, Qt.MouseButton.LeftButton)
    assert dialog.photo.image is not None
    save(qtbot, dialog)
    assert not dialog.isVisible(), dialog.error.text()
    with demo_db.sessions() as session:
        person = session.scalars(select(Resident).where(Resident.id_number == member)).one()
        assert session.get(ResidentPhoto, person.id).mime_type == "image/png"
    assert page.panel.photo.pixmap().toImage().pixelColor(50, 60) == QColor("#3366aa")
    assert page.panel.history.item(0, 2).text().endswith("照片")
