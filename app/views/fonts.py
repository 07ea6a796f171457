"""Make Chinese text drawable on any machine.

A fresh Linux kiosk or a test machine has no CJK font, and Qt then draws empty boxes; the bundled
font is registered before any window exists and becomes the application font's fallback.
``HeavyLabel`` keeps bold text bold in a face that has no bold of its own.
"""

from __future__ import annotations

import logging
from functools import cache

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QFontInfo,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QApplication, QFrame, QLabel

from app.printing.fonts import rare_font_file
from app.resources import resource_path

log = logging.getLogger(__name__)

BUNDLED_FONT = ("fonts", "DroidSansFallbackFull.ttf")
PREFERRED_FAMILIES = [
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
]


LATIN_SANS = ["Segoe UI", "Helvetica Neue", "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial"]


def install_chinese_font(app: QApplication, point_size: int = 11) -> str:
    """Register the bundled font and choose the UI font family. Returns the family in use."""
    font_id = QFontDatabase.addApplicationFont(str(resource_path(*BUNDLED_FONT)))
    bundled = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not bundled:
        log.warning("the bundled Chinese font could not be registered")
    available = set(QFontDatabase.families())
    family = next(
        (f for f in PREFERRED_FAMILIES if f in available), bundled[0] if bundled else app.font().family()
    )
    font = QFont(family, point_size)
    # Digits and Latin letters come from a sans face before the rare-character font is tried (the
    # bundled font has none, and a Mincho would set every number in a serif).
    latin = next((f for f in LATIN_SANS if f in available), None)
    families = [family, *bundled[:1], *([latin] if latin else []), *rare_family(frozenset(available))]
    if len(families) > 1:
        font.setFamilies(list(dict.fromkeys(families)))
    app.setFont(font)
    return family


RARE_FAMILIES = ("HanaMinB", "SimSun-ExtB")  # what rare_font_file's candidates are called


@cache
def rare_family(available: frozenset[str] = frozenset()) -> list[str]:
    """The rare-character font (CJK Extensions B–F: 𬀩 in a name) as the last fallback of every
    widget, when the machine has one (app.printing.fonts.rare_font_file). A system font is used
    as it is; only a file the system does not know is registered (30 MB: once, not at every
    start when it need not be)."""
    known = next((f for f in RARE_FAMILIES if f in available), None)
    if known is not None:
        return [known]
    path = rare_font_file()
    if path is None:
        return []
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    return families[:1]


def has_bold_face(family: str) -> bool:
    """Whether ``family`` has a face of its own at bold weight (the bundled Chinese font has one
    weight only; Microsoft YaHei has a bold)."""
    bold = QFont.Weight.DemiBold.value
    return any(QFontDatabase.weight(family, style) >= bold for style in QFontDatabase.styles(family))


def heavy_text_path(layout: QTextLayout) -> QPainterPath:
    """The outlines of the glyphs of a laid-out text, where they are drawn."""
    path = QPainterPath()
    for run in layout.glyphRuns():
        raw = run.rawFont()
        for index, position in zip(run.glyphIndexes(), run.positions(), strict=True):
            glyph = raw.pathForGlyph(index)
            glyph.translate(position)
            path.addPath(glyph)
    return path


class HeavyLabel(QLabel):
    """A label whose bold stays bold when the face has no bold.

    Qt makes a bold of a one-weight face only for glyphs it caches, under 64 px: at the kiosk's
    large type a title in the bundled Chinese font came out regular. Here bold plain text in a
    face without a bold is drawn as the regular outlines, filled and stroked by 1/24 of the type
    size (the emboldening FreeType itself applies), at every size alike. Everything else is
    drawn by QLabel."""

    def paintEvent(self, event) -> None:  # noqa: N802 — Qt's name
        font = self.font()
        text = self.text()
        plain = self.textFormat() == Qt.TextFormat.PlainText
        if not (text and plain and font.bold()) or has_bold_face(QFontInfo(font).family()):
            super().paintEvent(event)
            return
        QFrame.paintEvent(self, event)  # the style sheet's background and border
        regular = QFont(font)
        regular.setWeight(QFont.Weight.Normal)
        strength = QFontInfo(regular).pixelSize() / 24  # Qt's bold keeps the regular advances
        margin, indent = self.margin(), self.indent()
        box = self.contentsRect().adjusted(margin, margin, -margin, -margin)
        if indent < 0 and self.frameWidth() > 0:  # QLabel's own rule
            indent = self.fontMetrics().horizontalAdvance("x") // 2
        align = self.alignment()
        if indent > 0:
            box.adjust(
                indent if align & Qt.AlignmentFlag.AlignLeft else 0,
                indent if align & Qt.AlignmentFlag.AlignTop else 0,
                -indent if align & Qt.AlignmentFlag.AlignRight else 0,
                -indent if align & Qt.AlignmentFlag.AlignBottom else 0,
            )
        layout = QTextLayout(text, regular)
        option = QTextOption()
        option.setWrapMode(
            QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
            if self.wordWrap()
            else QTextOption.WrapMode.NoWrap
        )
        layout.setTextOption(option)
        height = 0.0
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(box.width() if self.wordWrap() else 1_000_000)
            if align & Qt.AlignmentFlag.AlignRight:
                x = box.width() - line.naturalTextWidth()
            elif align & Qt.AlignmentFlag.AlignHCenter:
                x = (box.width() - line.naturalTextWidth()) / 2
            else:
                x = 0.0
            line.setPosition(QPointF(x, height))
            height += line.height()
        layout.endLayout()
        if align & Qt.AlignmentFlag.AlignBottom:
            top = box.height() - height
        elif align & Qt.AlignmentFlag.AlignVCenter:
            top = (box.height() - height) / 2
        else:
            top = 0.0
        path = heavy_text_path(layout)
        path.translate(box.left(), box.top() + top)
        group = QPalette.ColorGroup.Active if self.isEnabled() else QPalette.ColorGroup.Disabled
        colour = self.palette().color(group, self.foregroundRole())
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setClipRect(self.contentsRect())
        pen = QPen(colour, strength)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(colour)
        painter.drawPath(path)
        painter.end()
