"""Kiosk titles are bold at every type size, though the bundled Chinese font has one weight: Qt
makes a bold of it only under 64 px, and the kiosk's large type sets titles at 76 px."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QFontInfo, QImage
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.views.desk_app import application
from app.views.fonts import has_bold_face
from app.views.kiosk.theme import Theme
from app.views.kiosk.widgets import label

TEXT = "请输入身份证号码"


def ink(widget: QWidget) -> int:
    """Dark pixels of a widget drawn on the kiosk's paper."""
    image: QImage = widget.grab().toImage()
    return sum(
        1
        for y in range(image.height())
        for x in range(image.width())
        if QColor(image.pixel(x, y)).lightness() < 128
    )


@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_a_title_has_clearly_more_ink_than_body_text_of_the_same_size(qtbot, scale):
    application()  # the bundled font, as the kiosk has it
    theme = Theme(scale)
    page = QWidget()
    page.setObjectName("kioskRoot")
    page.setStyleSheet(theme.stylesheet() + f'QLabel[role="body"] {{ font-size: {theme.pt(38)}pt; }}')
    title, body = label(TEXT, "title"), label(TEXT, "body")
    column = QVBoxLayout(page)
    column.addWidget(title)
    column.addWidget(body)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    assert title.font().pointSize() == body.font().pointSize() == theme.pt(38)
    assert title.font().bold() and not body.font().bold()
    assert not has_bold_face(QFontInfo(title.font()).family())  # the case this is about
    heavy, regular = ink(title), ink(body)
    assert regular > 1000
    assert heavy >= 1.3 * regular, (heavy, regular)
    assert heavy <= 2.2 * regular, (heavy, regular)  # bold, not a blot
