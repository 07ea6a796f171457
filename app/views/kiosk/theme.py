"""Sizes from the screen the kiosk runs on, and the one style sheet.

The pages are drawn for a 1920×1080 landscape screen (a portrait one: 1080×1920) and every size
is multiplied by ``Theme.fit``, how much smaller or larger the actual screen is; on a portrait
screen the pages re-flow (fewer columns, rows stacked). Type sizes are further multiplied by
``Theme.scale`` (the tests render every page at 1.5x for older eyes).

Touch targets are at least 15 mm wide and high on the glass. The physical size a screen reports
(its EDID) gives the pixel density; a screen that reports none, or a nonsense one, is taken to
have the density of a common self-service panel, 1920×1080 on 21.5" (102 dpi), where 15 mm is
61 px. Larger kiosk panels (1366×768 on 18.5", 85 dpi; 1080×1920 on 32" or 43", 69 or 51 dpi)
have bigger pixels, so the assumption errs on the safe side for them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtGui import QScreen

MIN_TOUCH_MM = 15
ASSUMED_DPI = 102.0  # 1920×1080 on a 21.5" panel, when the screen does not say
PLAUSIBLE_DPI = (40.0, 400.0)
DESIGN = (1920, 1080)  # the size the pages are drawn for, landscape; portrait swaps it
NARROWEST = 1700  # of the design width: the pages still fit it, so a 5:4 screen uses its height
FIT_RANGE = (0.5, 2.5)

RED, RED_DARK, GOLD = "#A31D1D", "#7A1212", "#F5C542"
INK, MUTED, PAPER, LINE = "#1B1B1B", "#4A4A4A", "#F6F3EE", "#CFC6B8"
GLYPH_COLOURS = {"red": RED, "blue": "#1F4E8C", "green": "#22703A", "brown": "#8A5A12", "grey": "#4A4A4A"}


@dataclass(frozen=True)
class Display:
    """The room the kiosk has: width and height in layout pixels (the screen's available
    geometry) and the physical pixel density in layout pixels per inch, when known."""

    width: int = DESIGN[0]
    height: int = DESIGN[1]
    dpi: float | None = None

    @property
    def portrait(self) -> bool:
        return self.height > self.width


def display_of(screen: QScreen | None) -> Display:
    """What ``screen`` offers: its available geometry, and its density when it reports a
    plausible physical size."""
    if screen is None:
        return Display()
    room = screen.availableGeometry()
    physical = screen.physicalDotsPerInch() / (screen.devicePixelRatio() or 1.0)
    dpi = physical if PLAUSIBLE_DPI[0] <= physical <= PLAUSIBLE_DPI[1] else None
    return Display(room.width(), room.height(), dpi)


def touch_pixels(display: Display) -> int:
    """The smallest touch target in layout pixels: 15 mm at the display's density (or the
    assumed one, see the module's docstring)."""
    dpi = display.dpi if display.dpi is not None else ASSUMED_DPI
    return math.ceil(MIN_TOUCH_MM / 25.4 * dpi)


def fit_of(display: Display) -> float:
    """How much the pages grow or shrink from the size they were drawn for."""
    if display.portrait:
        fit = min(display.width / DESIGN[1], display.height / DESIGN[0])
    else:
        fit = min(display.width / NARROWEST, display.height / DESIGN[1])
    return min(max(fit, FIT_RANGE[0]), FIT_RANGE[1])


@dataclass(frozen=True)
class Theme:
    scale: float = 1.0  # type size factor: 1.5 for the large-type check
    touch: int = 61  # touch_pixels(Display())
    fit: float = 1.0  # fit_of(display): the screen against the design size
    portrait: bool = False
    across: int = DESIGN[0]  # the screen's width in design pixels (display width / fit)

    @classmethod
    def for_display(cls, display: Display, scale: float = 1.0) -> Theme:
        fit = fit_of(display)
        return cls(scale, touch_pixels(display), fit, display.portrait, round(display.width / fit))

    @property
    def large(self) -> bool:
        """Large type: some pages show fewer items at once."""
        return self.scale > 1.25

    @property
    def choice_grid(self) -> tuple[int, int]:
        """Columns and rows of big choice buttons (days, time slots, request categories)."""
        if self.portrait:
            return 2, 4
        return (3, 3) if self.large and self.across < 1800 else (4, 2)

    def pt(self, base: float) -> int:
        """A type size in points, of the design size."""
        return max(1, round(base * self.scale * self.fit))

    def px(self, base: float) -> int:
        """Spacing that grows with the type and with the screen."""
        return round(base * self.scale * self.fit)

    def dim(self, base: float) -> int:
        """A size that follows the screen but not the type (art, margins, keys)."""
        return round(base * self.fit)

    def target(self, base: float) -> int:
        """A touch target's size: the design's ``base`` on this screen, never under 15 mm."""
        return max(self.touch, self.dim(base))

    def stylesheet(self) -> str:
        p, px = self.pt, self.px

        def capped(base: float, cap: float) -> int:  # type that grows less than the rest
            return max(1, round(base * min(self.scale, cap) * self.fit))

        number = capped(52, 1.1) if self.portrait else p(52)  # a case number does not wrap
        return f"""
        QWidget#kioskRoot {{ background: {PAPER}; }}
        QWidget {{ color: {INK}; font-size: {p(24)}pt; }}
        QFrame#header {{ background: {RED}; }}
        QFrame#header QLabel {{ color: white; }}
        QFrame#header QLabel[role="emblem"] {{ color: {GOLD}; font-size: {p(34)}pt; }}
        QLabel[role="centre"] {{ font-size: {p(28)}pt; font-weight: bold; }}
        QLabel[role="terminal"] {{ font-size: {p(20)}pt; }}
        QLabel[role="clock"] {{ font-size: {p(24)}pt; }}
        QLabel[role="title"] {{ font-size: {p(38)}pt; font-weight: bold; }}
        QLabel[role="aside"] {{ font-size: {p(26)}pt; color: {RED}; font-weight: bold; }}
        QLabel[role="hero"] {{ font-size: {p(46)}pt; font-weight: bold; }}
        QLabel[role="lead"] {{ font-size: {p(28)}pt; }}
        QLabel[role="note"] {{ font-size: {p(22)}pt; color: {MUTED}; }}
        QLabel[role="hint"] {{ font-size: {p(20)}pt; color: {MUTED}; }}
        QLabel[role="error"] {{ font-size: {p(26)}pt; color: #B3001B; font-weight: bold; }}
        QLabel[role="number"] {{ font-size: {number}pt; font-weight: bold; color: {RED}; }}
        QLabel[role="notice"] {{ font-size: {p(26)}pt; background: #FFF3D1; color: #4D3600;
            border: 2px solid #E3C36A; border-radius: 16px; padding: {self.dim(16)}px {self.dim(24)}px; }}
        QLabel[role="entry"], QLabel[role="entryEmpty"] {{ font-size: {capped(42, 1.2)}pt;
            background: white;
            border: 3px solid {LINE}; border-radius: 14px; padding: {px(10)}px {px(28)}px; }}
        QLabel[role="entryEmpty"] {{ color: #8A8278; font-size: {capped(32, 1.2)}pt; }}
        QLabel[role="cardTitle"] {{ font-size: {p(28)}pt; font-weight: bold; }}
        QLabel[role="status"] {{ font-size: {p(24)}pt; font-weight: bold; color: white;
            border-radius: 10px; padding: 4px {px(16)}px; background: #1F4E8C; }}
        QLabel[role="tileTitle"] {{ font-size: {p(34)}pt; font-weight: bold; }}
        QLabel[role="tileNote"] {{ font-size: {p(21)}pt; color: {MUTED}; }}
        QLabel[role="glyph"] {{ color: white; font-size: {capped(40, 1.2)}pt; font-weight: bold; }}
        QFrame[role="card"] {{ background: white; border: 2px solid {LINE}; border-radius: 18px; }}
        QFrame[role="card"] QLabel {{ border: none; }}
        QPushButton {{ font-size: {p(28)}pt; border-radius: 16px; padding: {px(8)}px {px(30)}px; }}
        QPushButton[role="primary"] {{ background: {RED}; color: white; border: 3px solid {RED};
            font-weight: bold; }}
        QPushButton[role="primary"]:pressed {{ background: {RED_DARK}; }}
        QPushButton[role="primary"]:disabled {{ background: #DDD7CE; color: #5A5A5A; border-color: #DDD7CE; }}
        QPushButton[role="secondary"], QPushButton[role="choice"], QPushButton[role="key"],
        QPushButton[role="tile"] {{ background: white; color: {INK}; border: 3px solid {LINE}; }}
        QPushButton[role="secondary"]:pressed, QPushButton[role="choice"]:pressed,
        QPushButton[role="key"]:pressed, QPushButton[role="tile"]:pressed {{ background: #F1E4DC; }}
        QPushButton[role="choice"]:disabled, QPushButton[role="tile"]:disabled,
        QPushButton[role="secondary"]:disabled {{ background: #ECE8E1; color: #6A6A6A; border-color: #DDD6CC; }}
        QPushButton[role="choice"] {{ font-size: {p(28)}pt; padding: {px(8)}px {self.dim(16)}px; }}
        QPushButton[role="key"] {{ font-size: {capped(34, 1.15)}pt; font-weight: bold; padding: 0px; }}
        QPushButton[role="tile"] {{ border-radius: 22px; padding: 0px; }}
        QPushButton[role="exit"] {{ background: #333333; color: white; border: 3px solid #333333;
            font-weight: bold; }}
        QPushButton[role="exit"]:pressed {{ background: #111111; }}
        QPushButton[role="danger"] {{ background: white; color: #B3001B; border: 3px solid #B3001B;
            font-weight: bold; }}
        QPlainTextEdit {{ font-size: {p(30)}pt; background: white; border: 3px solid {LINE};
            border-radius: 14px; padding: {px(12)}px; }}
        QWidget#overlay {{ background: rgba(20, 20, 20, 170); }}
        QFrame#panel {{ background: white; border-radius: 28px; }}
        """
