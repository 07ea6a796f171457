"""The staff of a notice board: the grid leader's wide card, the cards of the others arranged in a
grid (:mod:`~app.printing.boards.cards`), and (when there are more people than cards fit) a
compact list of the X helpers and building leaders.

Sizes are in points; ``u`` is one millimetre scaled to the paper (A3 prints everything larger),
``k`` the font factor the board settled on (1.0, smaller when much has to fit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.printing.boards.cards import (
    PORTRAIT_ASPECT,
    CardMetrics,
    card,
    card_min_height,
    chip,
    slot,
)
from app.printing.boards.drawing import CREAM, DARK_RED, GREY, INK, LINE, NOTE, RED, Pen, PhotoCache
from app.printing.boards.notes import NOTE_FLOOR_PT, fit_one_line, note_sizes, short_forms, shortest_lines
from app.printing.boards.text import ELLIPSIS, block_height, fit, fit_block, fit_name, size_box, text_width
from app.services.grids.boards import BoardStaff


def _leader_note(m: CardMetrics, organisation: str, width: float) -> tuple[float, list[str]]:
    """The leader's organisation on one line, shortened before it is cut, never below 7 pt."""
    sizes = note_sizes(m.pt(9), m.pt(7.5))
    found = fit_one_line(organisation, width, sizes)
    if found:
        return found[0], [found[1]]
    return sizes[-1], shortest_lines(short_forms(organisation), sizes[-1], width, 1)


def _leader_text(m: CardMetrics, person: BoardStaff, wa: float, avail: float):
    """Sizes for the leader's chip, name, phone and organisation that fit ``avail`` high."""
    chip_h = m.chip_height(m.pt(10.5))
    for factor, with_note in (
        (1.0, True),
        (1.0, False),
        (0.88, False),
        (0.78, False),
        (0.7, False),
        (0.5, False),
    ):
        name_size, name_lines = fit_name(person.name, wa, m.pt(24 * factor), m.pt(13 * factor))
        if factor < 0.88:
            name_size, name_lines = fit(person.name, wa, m.pt(24 * factor), m.pt(8), 1)
        phone = None
        if person.phone:
            phone = fit("电话 " + person.phone, wa, m.pt(19 * factor), m.pt(11 * factor), 1)
            if phone[1][-1].endswith(ELLIPSIS):  # never cut a number: drop the label, go smaller
                phone = fit(person.phone, wa, m.pt(19 * factor), m.pt(8), 1)
        note = _leader_note(m, person.organisation, wa) if with_note and person.organisation else None
        need = chip_h + 1.6 * m.u + block_height(len(name_lines), name_size, 1.15)
        need += 2 * m.u + size_box(phone[0]) if phone else 0
        need += 1.6 * m.u + size_box(note[0]) if note else 0
        if need <= avail + 0.01 or factor == 0.5:
            return need, (name_size, name_lines), phone, note


def leader_card(
    pen: Pen, photos: PhotoCache, m: CardMetrics, person: BoardStaff, x: float, y: float, w: float, h: float
) -> None:
    """The grid leader across the width: a larger photo, name and phone, the duty beside them."""
    with pen.group("leader", x, y, w, h):
        pen.rect(x, y, w, h, fill=CREAM, stroke=RED, radius=2 * m.u, line_width=1.0)
        slot_h = min(h - 2 * m.pad, 44 * m.u)
        slot_w = slot_h * PORTRAIT_ASPECT
        slot(pen, photos, person, 0, x + m.pad + 0.6 * m.u, y + (h - slot_h) / 2, slot_w, slot_h)
        tx = x + m.pad + 0.6 * m.u + slot_w + 3.5 * m.u
        rest = x + w - m.pad - tx
        side_by_side = rest > 105 * m.u
        wa = max(rest * 0.46, 62 * m.u) if side_by_side else rest
        avail = h - 2 * m.pad
        need, (name_size, name_lines), phone, note = _leader_text(m, person, wa, avail)
        top = y + h - m.pad  # with the duty below, from the top; else centred beside the photo
        if side_by_side or not person.duty:
            top -= max(0.0, avail - need) / 2
        top -= chip(pen, tx, top, "网格长", m.pt(10.5), m.u)[1] + 1.6 * m.u
        top = pen.lines(tx, top, name_lines, name_size, INK, bold=True, leading=1.15, kind="name")
        if phone:
            top = pen.lines(tx, top - 2 * m.u, phone[1], phone[0], DARK_RED, bold=True, kind="phone")
        if note:
            top = pen.lines(tx, top - 1.6 * m.u, note[1], note[0], NOTE, kind="organisation")
        if not person.duty:
            return
        if side_by_side:
            dx = tx + wa + 4 * m.u
            pen.rect(dx - 2 * m.u, y + m.pad, 0.4, h - 2 * m.pad, fill=LINE)
            dtop, dw, room = y + h - m.pad, x + w - m.pad - dx, h - 2 * m.pad
        else:
            dx, dtop, dw = tx, top - 1.4 * m.u, wa
            room = dtop - (y + m.pad)
        floor = max(m.pt(7), NOTE_FLOOR_PT)
        if room > size_box(floor):
            size, lines = fit_block(
                "职责：" + person.duty, dw, room, max(m.pt(10), floor), floor, leading=1.35
            )
            pen.lines(dx, dtop, lines, size, INK, leading=1.35, kind="duty")


def list_entry(person: BoardStaff) -> tuple[str, str, str]:
    role = person.role_name + (f"（{person.building}）" if person.building else "")
    return role, person.name, person.phone


def compact_list(
    pen: Pen,
    m: CardMetrics,
    people: list[BoardStaff],
    x: float,
    top: float,
    w: float,
    max_height: float | None = None,
) -> float:
    """People as lines of role, name and phone in columns; returns the height used. With
    ``max_height`` the last line says how many more there are instead of overflowing."""
    size = m.pt(9.5)
    cols = max(1, int(w // (64 * m.u)))
    col_w = (w - (cols - 1) * 3 * m.u) / cols
    lead = size * 1.45
    rows = math.ceil(len(people) / cols)
    if max_height is not None and block_height(rows, size, 1.45) > max_height + 0.01:
        fit_rows = max(1, int((max_height - size_box(size)) // lead) + 1)
        shown = max(0, fit_rows * cols - 1)
        people, more = people[:shown], len(people) - shown
    else:
        more = 0
    rows = math.ceil((len(people) + (1 if more else 0)) / cols)
    height = block_height(rows, size, 1.45)
    for index, person in enumerate(people):
        row, col = index % rows, index // rows
        cx, baseline = x + col * (col_w + 3 * m.u), top - 0.88 * size - row * lead
        role, name, phone = list_entry(person)
        role_w = min(text_width(role, size * 0.85), col_w * 0.42)
        r_size, r_lines = fit(role, role_w + 0.5, size * 0.85, size * 0.6, 1)
        pen.text(cx, baseline, r_lines[0], r_size, GREY, kind="list_role")
        n_x = cx + role_w + 1.5 * m.u
        n_size, n_lines = fit(name, col_w * 0.28, size, size * 0.7, 1)
        name_w = pen.text(n_x, baseline, n_lines[0], n_size, INK, bold=True, kind="list_name")
        p_x = n_x + max(name_w, col_w * 0.2) + 1.5 * m.u
        if phone and cx + col_w - p_x > 8 * m.u:
            p_size, p_lines = fit(phone, cx + col_w - p_x, size, size * 0.55, 1)
            pen.text(p_x, baseline, p_lines[0], p_size, DARK_RED, kind="list_phone")
    if more:
        index = len(people)
        row, col = index % rows, index // rows
        pen.text(
            x + col * (col_w + 3 * m.u),
            top - 0.88 * size - row * lead,
            f"另有{more}人，详见社区公示",
            size * 0.9,
            GREY,
            kind="list_more",
        )
    return height


@dataclass(frozen=True)
class Arrangement:
    cols: int
    rows: int
    card_w: float
    card_h: float
    leader_h: float


def arrange(
    m: CardMetrics, people: list[BoardStaff], has_leader: bool, w: float, h: float
) -> Arrangement | None:
    """The roomiest grid of cards (and leader card) for ``people`` that fits ``w`` x ``h``, or None.

    Cards aim at room for three lines of organisation and duty and are never so low that two
    lines of it at 7 pt would not fit; the leader's card takes what the cards leave, within
    limits, so that neither the leader nor the team is squeezed. A card is never so narrow that
    a phone number would not fit on two lines."""
    team = people[1:] if has_leader else people
    others = len(team)
    longest_phone = max((text_width(p.phone, m.pt(7.5)) / 2 + m.pt(7.5) for p in people), default=0.0)
    min_w = max(m.min_card_width(), m.min_card_width() - 27 * m.u * m.k + longest_phone)
    ideal_w = 62 * m.u
    min_leader, max_leader = m.min_leader_height(), max(m.min_leader_height(), 36 * m.u * m.k)
    best, best_score = None, -1.0
    for cols in range(1, 8):
        card_w = (w - (cols - 1) * m.gap) / cols
        if card_w < min_w and cols > 1:
            break
        rows = math.ceil(others / cols) if others else 0
        min_h = max((card_min_height(m, p, card_w) for p in team), default=m.min_card_height())
        ideal_h = max(m.ideal_card_height(), min_h)

        def rows_height(card_h: float, rows: int = rows) -> float:
            return rows * card_h + max(0, rows - 1) * m.gap

        sep = m.gap if has_leader and rows else 0.0
        leader_h = 0.0
        if has_leader:
            comfortable = max(min_leader, 33 * m.u * m.k)
            leader_h = min(max(h - sep - rows_height(ideal_h), comfortable), max_leader)
            leader_h = min(leader_h, h - sep - rows_height(min_h))
            if leader_h < min_leader - 0.01:
                continue
        card_h = (h - leader_h - sep - max(0, rows - 1) * m.gap) / rows if rows else 0.0
        if rows and (card_h < min_h - 0.01 or card_w < min_w - 0.01):
            continue
        card_h = min(card_h, max(38 * m.u * m.k, ideal_h))
        if has_leader:  # what the capped cards leave goes to the leader, up to a limit
            leader_h = max(leader_h, min(h - sep - rows_height(card_h), max_leader * 1.2))
        fit_w = min(card_w / ideal_w, 1.0, 1.8 * ideal_w / card_w)
        score = fit_w * min(card_h / ideal_h, 1.0) if rows else 1.0
        if score > best_score + 1e-6:
            best, best_score = Arrangement(cols, rows, card_w, card_h, leader_h), score
    return best


def draw_cards(
    pen: Pen,
    photos: PhotoCache,
    m: CardMetrics,
    people: list[BoardStaff],
    a: Arrangement,
    x: float,
    top: float,
    w: float,
) -> float:
    """Draw ``people`` as ``a`` lays them out from ``top``; returns the bottom."""
    index = 0
    if a.leader_h:
        leader_card(pen, photos, m, people[0], x, top - a.leader_h, w, a.leader_h)
        top -= a.leader_h + m.gap
        index = 1
    rest = people[index:]
    for i, person in enumerate(rest):
        row, col = divmod(i, a.cols)
        cx = x + col * (a.card_w + m.gap)
        cy = top - (row + 1) * a.card_h - row * m.gap
        card(pen, photos, m, person, i + index, cx, cy, a.card_w, a.card_h)
    if a.rows:
        top -= a.rows * a.card_h + (a.rows - 1) * m.gap
    return top
