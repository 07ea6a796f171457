"""Where a certificate's values sit on its page, so that a batch lays out a template once.

The builders in :mod:`pdf` and :mod:`tables` pass every flowable that shows a resident's values
(a field's cell, the serial, the date, the QR code, a sentence with placeholders) through
:func:`slot`. Drawing one certificate, that returns the flowable itself: nothing changes and the
single PDF stays byte-identical. Inside :func:`collecting` (a batch), it returns a :class:`Slot`
that lays out exactly as its content does but, while the batch records a template's page
furniture, draws nothing and notes where it stands instead; the batch then draws the furniture
once as a form XObject and only the values on every page.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.platypus import Flowable

_COLLECTING: ContextVar[list[Slot] | None] = ContextVar("certificate_slots", default=None)

_COPIED = ("hAlign", "vAlign", "keepWithNext", "_ZEROSIZE")


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a slot was drawn: the form's page, the page's transformation matrix and the
    arguments of ``drawOn`` in that frame."""

    page: int
    matrix: tuple[float, float, float, float, float, float]
    x: float
    y: float
    shift: float  # reportlab's ``_sW``: the room left beside the flowable, for its alignment


class Slot(Flowable):
    """A value's flowable: lays out as its content does; drawn or only placed (see module)."""

    def __init__(self, content: Flowable):
        super().__init__()
        self.content = content
        for name in _COPIED:
            if hasattr(content, name):
                setattr(self, name, getattr(content, name))
        self.avail: tuple[float, float] | None = None
        self.size: tuple[float, float] | None = None
        self.recorder: Recorder | None = None
        self.was_split = False

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.avail = (availWidth, availHeight)
        self.size = self.content.wrap(availWidth, availHeight)
        self.width, self.height = self.size
        return self.size

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts = self.content.split(availWidth, availHeight)
        if parts:
            self.was_split = True  # a value broken across pages: this page's layout is not reused
        return parts

    def getSpaceBefore(self) -> float:
        return self.content.getSpaceBefore()

    def getSpaceAfter(self) -> float:
        return self.content.getSpaceAfter()

    def minWidth(self) -> float:
        return self.content.minWidth()

    def drawOn(self, canvas, x: float, y: float, _sW: float = 0) -> None:
        if self.recorder is None:
            self.content.drawOn(canvas, x, y, _sW)
        else:
            self.recorder.place(self, canvas, x, y, _sW)


class QrSlot(Flowable):
    """A certificate's QR code in a batch: the same modules, square and size as the single's
    drawing (:func:`app.printing.qr.qr_drawing`), written as one path of rectangles, a fraction of
    the drawing's cost."""

    def __init__(self, matrix: list[list[bool]], side: float):
        super().__init__()
        self.matrix, self.side = matrix, side
        self.width = self.height = side

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.side, self.side

    def draw(self) -> None:
        canvas, count = self.canv, len(self.matrix)
        module = self.side / count
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.side, self.side, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        path = canvas.beginPath()
        for row_index, row in enumerate(self.matrix):
            bottom = self.side - (row_index + 1) * module
            column = 0
            while column < count:
                if not row[column]:
                    column += 1
                    continue
                start = column
                while column < count and row[column]:
                    column += 1
                path.rect(start * module, bottom, (column - start) * module, module)
        canvas.drawPath(path, stroke=0, fill=1, fillMode=0)


class Recorder:
    """Collects where each slot of a template's page is drawn, while its furniture is recorded."""

    def __init__(self) -> None:
        self.page = 0
        self.placements: dict[int, Placement] = {}

    def place(self, slot: Slot, canvas, x: float, y: float, shift: float) -> None:
        self.placements[id(slot)] = Placement(self.page, canvas._currentMatrix, x, y, shift)


def slot(flowable: Flowable) -> Flowable:
    """``flowable`` itself, or inside a batch its :class:`Slot` (noted in the batch's list)."""
    collected = _COLLECTING.get()
    if collected is None:
        return flowable
    wrapped = Slot(flowable)
    collected.append(wrapped)
    return wrapped


def in_batch() -> bool:
    return _COLLECTING.get() is not None


@contextmanager
def collecting() -> Iterator[list[Slot]]:
    """Within the block the builders make slots; yields the list they are added to, in order."""
    collected: list[Slot] = []
    token = _COLLECTING.set(collected)
    try:
        yield collected
    finally:
        _COLLECTING.reset(token)
