"""Qt's own buttons speak Chinese in the desk and the kiosk (issue 19, 3)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from app.views.translations import install_qt_translations


def test_standard_buttons_and_message_boxes_are_chinese(qapp, qtbot):
    installed = install_qt_translations(qapp)
    try:
        assert installed, "PySide6's qtbase_zh_CN.qm was not found"
        Button = QDialogButtonBox.StandardButton
        box = QDialogButtonBox(Button.Ok | Button.Cancel | Button.Save | Button.Yes | Button.No)
        qtbot.addWidget(box)
        texts = {b.text().replace("&", "") for b in box.buttons()}
        assert {"确定", "取消", "保存"} <= texts and not texts & {"OK", "Cancel", "Save", "Yes", "No"}
        message = QMessageBox(QMessageBox.Icon.Question, "确认", "删除这条记录？")
        message.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        qtbot.addWidget(message)
        shown = {b.text().replace("&", "") for b in message.buttons()}
        assert not shown & {"Yes", "No"} and all(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in shown)
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)
