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


def test_the_rare_character_font_is_every_widgets_last_fallback(qapp):
    """𬀩 in a name: the resident panel, the status line and tables draw it instead of a box."""
    from PySide6.QtGui import QFontDatabase, QRawFont

    from app.views.fonts import install_chinese_font, rare_family

    install_chinese_font(qapp)
    rare = rare_family()
    assert rare, "no rare-character font: run scripts/setup.sh as root (fonts-hanazono)"
    assert rare[0] in qapp.font().families() and rare[0] in QFontDatabase.families()
    raw = QRawFont.fromFont(QFontDatabase.font(rare[0], "", 12))
    assert all(raw.supportsCharacter(ord(ch)) for ch in "\U0002c029\U00020bb7\U0002ceb0")
