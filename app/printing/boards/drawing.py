"""Drawing primitives of the grid notice boards: boxes that tests can check, a pen that records
them, avatars, photos and QR codes on a reportlab canvas.

Every shape the board draws goes through a :class:`Pen`, which records it as a :class:`Box` (with
its parent: a staff card holds its name, its phone, ...). Tests assert on these boxes that nothing
leaves the page and that siblings never overlap. A pen can run ``dry`` to measure a block without
drawing it: the board is laid out by measuring first and drawing second, through the same code.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors

from app.printing.boards.text import ASCENT, DESCENT, block_height, runs, size_box, text_width
from app.printing.fonts import register_fonts
from app.services.grids.boards import COMPOUND_SURNAMES

INK = colors.HexColor("#1f1f1f")
GREY = colors.HexColor("#5c5c5c")
NOTE = colors.HexColor("#3b3b3b")  # small print that has to be read: darker than GREY
RED = colors.HexColor("#b3191f")
DARK_RED = colors.HexColor("#8c1015")
GOLD = colors.HexColor("#f7c948")
CREAM = colors.HexColor("#fff6ec")
LINE = colors.HexColor("#ecd2bd")
WHITE = colors.white


@dataclass(frozen=True)
class Box:
    """A drawn rectangle in PDF points (origin bottom left); ``parent`` indexes the page's boxes.
    A line of text also keeps its size in printed points and its colour (#rrggbb)."""

    kind: str
    x: float
    y: float
    w: float
    h: float
    parent: int | None = None
    text: str = ""
    size: float = 0.0
    ink: str = ""

    @property
    def x2(self) -> float:
        return self.x + self.w

    @property
    def y2(self) -> float:
        return self.y + self.h

    def contains(self, other: Box, tolerance: float = 0.01) -> bool:
        return (
            other.x >= self.x - tolerance
            and other.y >= self.y - tolerance
            and other.x2 <= self.x2 + tolerance
            and other.y2 <= self.y2 + tolerance
        )

    def overlaps(self, other: Box, tolerance: float = 0.01) -> bool:
        return (
            min(self.x2, other.x2) - max(self.x, other.x) > tolerance
            and min(self.y2, other.y2) - max(self.y, other.y) > tolerance
        )


# ------------------------------------------------------------------------------------ pen
class Pen:
    """Draws on a canvas (unless ``dry``) and records what it draws as boxes of the current page."""

    def __init__(self, canvas, *, dry: bool = False):
        self.canvas = canvas
        self.dry = dry
        self.boxes: list[Box] = []
        self._parents: list[int] = []
        register_fonts()

    def measuring(self) -> Pen:
        """A dry pen on the same canvas: same measurements, no ink, no boxes kept."""
        return Pen(self.canvas, dry=True)

    def record(
        self, kind: str, x: float, y: float, w: float, h: float, text: str = "", size: float = 0.0, ink=None
    ) -> int:
        if self.dry:
            return -1
        parent = self._parents[-1] if self._parents else None
        colour = "#" + ink.hexval()[2:] if ink is not None else ""
        self.boxes.append(Box(kind, x, y, w, h, parent, text, size, colour))
        return len(self.boxes) - 1

    @contextmanager
    def group(self, kind: str, x: float, y: float, w: float, h: float) -> Iterator[None]:
        """Record a box; what is drawn inside the ``with`` belongs to it."""
        index = self.record(kind, x, y, w, h)
        self._parents.append(index)
        try:
            yield
        finally:
            self._parents.pop()

    def rect(
        self,
        x,
        y,
        w,
        h,
        *,
        fill=None,
        stroke=None,
        radius: float = 0.0,
        line_width: float = 0.8,
        kind: str | None = None,
    ) -> None:
        if kind:
            self.record(kind, x, y, w, h)
        if self.dry:
            return
        c = self.canvas
        c.saveState()
        if fill is not None:
            c.setFillColor(fill)
        if stroke is not None:
            c.setStrokeColor(stroke)
            c.setLineWidth(line_width)
        if radius:
            c.roundRect(x, y, w, h, radius, stroke=int(stroke is not None), fill=int(fill is not None))
        else:
            c.rect(x, y, w, h, stroke=int(stroke is not None), fill=int(fill is not None))
        c.restoreState()

    def text(
        self,
        x: float,
        baseline: float,
        text: str,
        size: float,
        color=INK,
        *,
        bold: bool = False,
        align: str = "left",
        kind: str = "text",
    ) -> float:
        """One line of text; returns its width. ``x`` is the left edge, centre or right edge."""
        width = text_width(text, size)
        left = x - width / 2 if align == "centre" else x - width if align == "right" else x
        self.record(kind, left, baseline - DESCENT * size, width, size_box(size), text, size, color)
        if self.dry or not text:
            return width
        c = self.canvas
        c.saveState()
        obj = c.beginText(left, baseline)
        obj.setFillColor(color)
        if bold:  # the faces have one weight: stroke the outlines as well for a heavy title
            obj.setTextRenderMode(2)
            c.setStrokeColor(color)
            c.setLineWidth(size * 0.035)
        for font, piece in runs(text):
            obj.setFont(font, size)
            obj.textOut(piece)
        c.drawText(obj)
        c.restoreState()
        return width

    def lines(
        self,
        x: float,
        top: float,
        lines: list[str],
        size: float,
        color=INK,
        *,
        leading: float = 1.3,
        bold: bool = False,
        align: str = "left",
        kind: str = "text",
    ) -> float:
        """Lines from ``top`` (top of the first line's ink) down; returns the bottom of the last."""
        baseline = top - ASCENT * size
        for line in lines:
            self.text(x, baseline, line, size, color, bold=bold, align=align, kind=kind)
            baseline -= size * leading
        return top - block_height(len(lines), size, leading)

    def circle(self, cx: float, cy: float, r: float, fill) -> None:
        if not self.dry:
            self.canvas.saveState()
            self.canvas.setFillColor(fill)
            self.canvas.circle(cx, cy, r, stroke=0, fill=1)
            self.canvas.restoreState()


# ------------------------------------------------------------------------------------ pictures
def initials(name: str) -> str:
    """What an avatar shows: the surname (复姓 whole), or a Latin initial."""
    name = name.strip()
    if not name:
        return "?"
    if name.isascii():
        return name.split()[-1][0].upper() if " " in name else name[0].upper()
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[0]


def avatar(pen: Pen, x: float, y: float, w: float, h: float, name: str, color) -> None:
    """A clean round avatar with the surname, centred in the slot."""
    d = min(w, h)
    cx, cy = x + w / 2, y + h / 2
    label = initials(name)
    size = d * (0.5 if len(label) == 1 else 0.34)
    with pen.group("avatar", cx - d / 2, cy - d / 2, d, d):
        pen.circle(cx, cy, d / 2, color)
        pen.text(cx, cy - 0.36 * size, label, size, WHITE, bold=True, align="centre", kind="initial")


@dataclass(frozen=True)
class Photo:
    path: str  # a JPEG file: reportlab embeds it as it is, without decoding it
    width: int
    height: int


class PhotoCache:
    """Staff photos made ready once per batch, as JPEG files in ``folder`` (the caller's temporary
    folder). A JPEG of sensible size is used as it is; others are turned upright and downscaled.

    Files rather than ImageReaders: reportlab decodes an ImageReader to RGB just to name it, which
    for 1,400 photos costs seconds and gigabytes; a JPEG file goes into the PDF undecoded."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._photos: dict[str, Photo | None] = {}

    def photo(self, data: bytes) -> Photo | None:
        key = hashlib.sha1(data).hexdigest()
        if key not in self._photos:
            self._photos[key] = _prepare_photo(data, self.folder / f"{key}.jpg")
        return self._photos[key]


def _prepare_photo(data: bytes, path: Path) -> Photo | None:
    """None if the data is not a readable picture (the board then shows the avatar)."""
    try:
        from PIL import Image, ImageOps

        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            upright = image.getexif().get(0x0112, 1) == 1
            if (
                image.format == "JPEG"
                and image.mode in ("RGB", "L")
                and upright
                and len(data) <= 400_000
                and max(width, height) <= 1600
            ):
                path.write_bytes(data)
                return Photo(str(path), width, height)
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((600, 800), Image.Resampling.LANCZOS)
            image.save(path, "JPEG", quality=85)
            return Photo(str(path), image.width, image.height)
    except Exception:  # a damaged photo prints as the avatar, it does not stop a batch
        return None


def photo_or_avatar(
    pen: Pen, cache: PhotoCache, photo: bytes | None, name: str, x: float, y: float, w: float, h: float, color
) -> None:
    """The photo filling the slot (cropped at the sides or the bottom), else the avatar."""
    ready = cache.photo(photo) if photo else None
    if ready is None:
        avatar(pen, x, y, w, h, name, color)
        return
    pen.record("photo", x, y, w, h)
    if pen.dry:
        return
    scale = max(w / ready.width, h / ready.height)
    dw, dh = ready.width * scale, ready.height * scale
    c = pen.canvas
    c.saveState()
    path = c.beginPath()
    path.roundRect(x, y, w, h, min(w, h) * 0.08)
    c.clipPath(path, stroke=0, fill=0)
    # Keep the face: crop three tenths of the overflow from the top, the rest from the bottom.
    c.drawImage(ready.path, x + (w - dw) / 2, y + h + (dh - h) * 0.3 - dh, dw, dh)
    c.restoreState()


def draw_qr(pen: Pen, matrix: list[list[bool]], x: float, y: float, side: float) -> None:
    """The modules (quiet zone included in ``matrix``) on a white square: dark runs of each row,
    merged with identical runs below them, filled as one path of rectangles."""
    pen.rect(x, y, side, side, fill=WHITE, kind="qr")
    if pen.dry:
        return
    count = len(matrix)
    module = side / count
    open_runs: dict[tuple[int, int], int] = {}  # (start, end) -> first row
    rects: list[tuple[int, int, int, int]] = []  # column, row, width, height in modules
    for row_index, row in enumerate([*matrix, [False] * count]):
        runs_here, column = set(), 0
        while column < count:
            if row[column]:
                start = column
                while column < count and row[column]:
                    column += 1
                runs_here.add((start, column))
            column += 1
        for run in [r for r in open_runs if r not in runs_here]:
            first = open_runs.pop(run)
            rects.append((run[0], first, run[1] - run[0], row_index - first))
        for run in runs_here:
            open_runs.setdefault(run, row_index)
    # Written as PDF operators directly: thousands of rectangles through reportlab's path object
    # cost more than the rest of the page.
    ops = [
        f"{x + c * module:.3f} {y + side - (r + h) * module:.3f} {w * module:.3f} {h * module:.3f} re"
        for c, r, w, h in rects
    ]
    c = pen.canvas
    c.saveState()
    c.setFillColor(colors.black)
    c.addLiteral("\n".join(ops) + "\nf")
    c.restoreState()
