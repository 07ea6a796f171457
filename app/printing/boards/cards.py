"""A member of staff's card on a notice board: the photo (or an avatar) beside the name, the role
and the phone, and under them, across the card, the sending organisation and the duty.

Sizes are in points; ``u`` is one millimetre scaled to the paper (A3 prints everything larger),
``k`` the font factor the board settled on (1.0, smaller when much has to fit). The small print
never goes below :data:`~app.printing.boards.notes.NOTE_FLOOR_PT` printed points: a card is
made tall enough for two lines of it instead (see :meth:`CardMetrics.min_card_height`).
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors

from app.printing.boards.drawing import (
    DARK_RED,
    INK,
    LINE,
    NOTE,
    RED,
    WHITE,
    Pen,
    PhotoCache,
    photo_or_avatar,
)
from app.printing.boards.notes import NOTE_LEADING, Notes, fit_notes, fit_one_line, note_sizes
from app.printing.boards.text import ASCENT, ELLIPSIS, block_height, fit, fit_name, size_box, text_width
from app.services.grids.boards import BoardStaff

GROUP_COLOURS = {"1": RED, "X": colors.HexColor("#a0782c")}
NINE_COLOURS = [
    colors.HexColor(c)
    for c in (
        "#2f6690",
        "#2e7d6f",
        "#7a4e9c",
        "#a34f2a",
        "#3c6e3a",
        "#8a3b5a",
        "#4a5fa8",
        "#6d6a2a",
        "#1f7a8c",
    )
]
PORTRAIT_ASPECT = 0.78  # width / height of a photo slot (一寸照 is 25 x 35 mm)


def avatar_colour(person: BoardStaff, index: int):
    return GROUP_COLOURS.get(person.group) or NINE_COLOURS[index % len(NINE_COLOURS)]


@dataclass(frozen=True)
class CardMetrics:
    u: float
    k: float

    @property
    def pad(self) -> float:
        return 2.2 * self.u

    @property
    def gap(self) -> float:
        return 2.5 * self.u

    @property
    def row_gap(self) -> float:
        """Between the name, the role and the phone."""
        return 1.2 * self.u

    @property
    def notes_gap(self) -> float:
        """Between the phone (or the photo) and the small print."""
        return 1.6 * self.u

    def pt(self, size: float) -> float:
        """A font size in points at A4 scale, scaled to the paper and the font factor."""
        return size * self.k * self.u / (72 / 25.4)

    def chip_height(self, size: float) -> float:
        return size_box(size) + 1.6 * self.u

    def note_sizes(self) -> list[float]:
        """The sizes the organisation and duty may take, largest first: 8 pt at A4 and the font
        factor, never smaller than the paper's 6.5 pt or 7 printed points."""
        return note_sizes(self.pt(8), self.pt(6.5))

    def header_height(self, phone_height: float | None = None) -> float:
        """Name (one line), role and phone; the photo is as tall."""
        phone = size_box(self.pt(14)) if phone_height is None else phone_height
        return (
            size_box(self.pt(16))
            + self.row_gap
            + self.chip_height(self.pt(8.5))
            + (self.row_gap + phone if phone else 0.0)
        )

    def notes_height(self, lines: int, size: float) -> float:
        return self.notes_gap + block_height(lines, size, NOTE_LEADING)

    def min_card_height(self, phone_height: float | None = None, name_extra: float = 0.0) -> float:
        """Room for the header (``name_extra`` taller for a name on two lines) and two lines of
        small print at the smallest size."""
        header = max(self.header_height(phone_height) + name_extra, self.header_height())
        return 2 * self.pad + header + self.notes_height(2, self.note_sizes()[-1])

    def ideal_card_height(self) -> float:
        """Room for three lines of small print at the largest size."""
        return 2 * self.pad + self.header_height() + self.notes_height(3, self.note_sizes()[0])

    def min_card_width(self) -> float:
        return 2 * self.pad + 14 * self.u + 2.5 * self.u + 27 * self.u * self.k

    def slot(self, w: float) -> tuple[float, float]:
        """Width and height of a card's photo slot."""
        h = self.header_height()
        return min(h * PORTRAIT_ASPECT, w * 0.3), h

    def text_x(self, w: float) -> float:
        """Where the name, role and phone start, from the card's left edge."""
        return self.pad + 0.6 * self.u + self.slot(w)[0] + 2.2 * self.u

    def min_leader_height(self) -> float:
        return (
            2 * self.pad
            + self.chip_height(self.pt(10.5))
            + 1.6 * self.u
            + size_box(self.pt(24 * 0.78))
            + 2 * self.u
            + size_box(self.pt(19 * 0.78))
        )


def chip(
    pen: Pen,
    x: float,
    top: float,
    label: str,
    size: float,
    u: float,
    fill=RED,
    color=WHITE,
    max_width: float | None = None,
) -> tuple[float, float]:
    """A small filled label; returns (width, height)."""
    if max_width is not None:
        size, lines = fit(label, max(max_width - 2.4 * u, 1), size, size * 0.7, 1)
        label = lines[0] if lines else ""
    w, h = text_width(label, size) + 2.4 * u, size_box(size) + 1.6 * u
    with pen.group("chip", x, top - h, w, h):
        pen.rect(x, top - h, w, h, fill=fill, radius=h * 0.25)
        pen.text(x + 1.2 * u, top - 0.8 * u - 0.88 * size, label, size, color)
    return w, h


def slot(pen, photos, person, index, x, y, w, h):
    photo_or_avatar(pen, photos, person.photo, person.name, x, y, w, h, avatar_colour(person, index))


def card_phone(m: CardMetrics, phone: str, width: float) -> tuple[float, list[str]]:
    """A phone on one line, shrinking; a long one with an extension on two rather than cut."""
    if not phone:
        return 0.0, []
    size, lines = fit(phone, width, m.pt(14), m.pt(9), 1)
    if lines[-1].endswith(ELLIPSIS):
        size, lines = fit(phone, width, m.pt(11), m.pt(7.5), 2)
    return size, lines


def phone_height(m: CardMetrics, person: BoardStaff, w: float) -> float:
    """How tall the phone of ``person`` is on a card ``w`` wide (two lines for a long one)."""
    size, lines = card_phone(m, person.phone, w - m.text_x(w) - m.pad)
    return block_height(len(lines), size)


def card_name(m: CardMetrics, name: str, width: float) -> tuple[float, list[str], float]:
    """A name large, on two lines if one does not hold it; and how much taller than one line."""
    size, lines = fit_name(name, width, m.pt(16), m.pt(10))
    return size, lines, max(0.0, block_height(len(lines), size, 1.15) - size_box(m.pt(16)))


def card_min_height(m: CardMetrics, person: BoardStaff, w: float) -> float:
    """The lowest card that shows ``person``'s name and phone whole and two lines of small print."""
    name_extra = card_name(m, person.name, w - m.text_x(w) - m.pad)[2]
    return m.min_card_height(phone_height(m, person, w), name_extra)


def small_print(
    m: CardMetrics, person: BoardStaff, chip_room: float, width: float, height: float
) -> tuple[tuple[float, str] | None, Notes]:
    """The organisation (a building leader's building) and the duty: the organisation on one line
    beside the role chip (``chip_room`` wide) or first in the block under the phone (``width`` x
    ``height``), whichever leaves less cut and the smaller print larger."""
    note = person.building or person.organisation
    sizes = m.note_sizes()
    with_duty = fit_notes(note, person.duty, width, height, sizes)
    beside = fit_one_line(note, chip_room, sizes) if note and chip_room >= 6 * m.u else None
    if beside is None:
        return None, with_duty
    alone = fit_notes("", person.duty, width, height, sizes)
    if (not alone.cut, min(beside[0], alone.size)) >= (not with_duty.cut, with_duty.size):
        return beside, alone
    return None, with_duty


def card(
    pen: Pen,
    photos: PhotoCache,
    m: CardMetrics,
    person: BoardStaff,
    index: int,
    x: float,
    y: float,
    w: float,
    h: float,
) -> None:
    """One member of staff: photo or avatar, name large, role, phone large; organisation and duty
    under them in small type across the card."""
    with pen.group("card", x, y, w, h):
        pen.rect(x, y, w, h, fill=WHITE, stroke=LINE, radius=1.6 * m.u, line_width=0.6)
        pen.rect(x, y + m.pad, 0.9 * m.u, h - 2 * m.pad, fill=avatar_colour(person, index))
        slot_w, slot_h = m.slot(w)
        slot_h = min(slot_h, h - 2 * m.pad)
        left, top = x + m.pad + 0.6 * m.u, y + h - m.pad
        slot(pen, photos, person, index, left, top - slot_h, slot_w, slot_h)
        tx = x + m.text_x(w)
        tw = x + w - m.pad - tx
        phone_size, phone_lines = card_phone(m, person.phone, tw)
        phone_h = block_height(len(phone_lines), phone_size)
        # The phone is never cut; a name takes two lines unless the card is too low (the board
        # is crowded), then one, cut. Two lines of small print always fit.
        name_size, name_lines, name_extra = card_name(m, person.name, tw)
        if len(name_lines) > 1 and name_extra > h - m.min_card_height(phone_h) + 0.01:
            name_size, name_lines = fit(person.name, tw, m.pt(16), m.pt(8), 1)
        text = pen.lines(tx, top, name_lines, name_size, INK, bold=True, leading=1.15, kind="name")
        text -= m.row_gap
        chip_w, chip_h = chip(pen.measuring(), tx, text, person.role_name, m.pt(8.5), m.u, max_width=tw)
        bottom = text - chip_h - (m.row_gap + phone_h if phone_lines else 0.0)
        note_top = min(bottom, top - slot_h) - m.notes_gap
        beside, notes = small_print(
            m, person, tw - chip_w - 1.5 * m.u, x + w - m.pad - left, note_top - (y + m.pad)
        )
        chip(pen, tx, text, person.role_name, m.pt(8.5), m.u, max_width=tw)
        if beside:
            size, line = beside
            baseline = text - chip_h / 2 - 0.36 * size
            pen.text(tx + chip_w + 1.5 * m.u, baseline, line, size, NOTE, kind="organisation")
        if phone_lines:
            text -= chip_h + m.row_gap
            pen.lines(tx, text, phone_lines, phone_size, DARK_RED, bold=True, kind="phone")
        draw_notes(pen, notes, left, note_top)


def draw_notes(pen: Pen, notes: Notes, x: float, top: float) -> None:
    """The organisation in ink, the duty in dark grey, each line one or both."""
    baseline = top - ASCENT * notes.size
    for org, duty in notes.lines:
        left = x
        if org:
            left += pen.text(x, baseline, org, notes.size, INK, kind="organisation")
        if duty:
            pen.text(left, baseline, duty, notes.size, NOTE, kind="duty")
        baseline -= notes.size * NOTE_LEADING
