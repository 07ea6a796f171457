"""The blocks of a grid notice board: the title band, the overview with the four boundaries and
the counts, the QR code with its caption, service hours and hotlines, and the footer with the
print date and the board version.

Each block is ``block(pen, x, top, w[, extra]) -> height``: it draws from ``top`` down (or only
measures, with a dry pen) and says how tall it is; ``extra`` is room it may spread into.
"""

from __future__ import annotations

import math

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from app.printing.boards.drawing import (
    DARK_RED,
    GOLD,
    GREY,
    INK,
    LINE,
    RED,
    WHITE,
    Pen,
    PhotoCache,
    draw_qr,
)
from app.printing.boards.text import DESCENT, block_height, fit, fit_name, size_box, text_width
from app.printing.qr import qr_matrix
from app.services.grids.boards import PUBLIC_HOTLINE, BoardData

QR_MIN_MM = 38.0
QR_MODULE_MM = 0.55
STAR_NAMES = "零一二三四五"


def hotlines(board: BoardData) -> list[tuple[str, str]]:
    items = [
        ("政务服务便民热线", PUBLIC_HOTLINE),
        ("社区服务电话", board.community.hotline),
        ("网格服务电话", board.grid.hotline),
    ]
    return [(label, number) for label, number in items if number]


class BoardSections:
    """One board's blocks. ``s`` scales A4 measures to the paper; ``k`` is the font factor tried."""

    def __init__(self, board: BoardData, width: float, height: float, photos: PhotoCache):
        self.b, self.width, self.height, self.photos = board, width, height, photos
        self.s = min(width, height) / A4[0]
        self.u = mm * self.s
        self.k = 1.0
        self.lines_cap = 0  # lines taken off every wrapped value when even the smallest size is too big
        self.matrix = qr_matrix(board.qr_text, "Q" if len(board.qr_text.encode()) <= 100 else "M")
        self.qr_side = max(QR_MIN_MM * self.s, len(self.matrix) * QR_MODULE_MM) * mm

    def pt(self, size: float) -> float:
        return size * self.s * self.k

    @property
    def gap(self) -> float:
        return 3 * self.u

    def header(self, pen: Pen, x: float, top: float, w: float) -> float:
        """The red title band: street, community and grid, the stars of a 星级网格."""
        b, u, pad = self.b, self.u, 4 * self.u
        kicker = f"{b.street}　党建引领网格化治理"
        k_size, k_lines = fit(kicker, w - 2 * pad, self.pt(12), self.pt(8), 1)
        title = f"{b.community.name} {b.grid.name} 公示牌"
        t_size, t_lines = fit_name(title, w - 2 * pad, self.pt(30), self.pt(15), shrink_first=0.7)
        stars = b.grid.star_rating
        star_text, label = "★" * stars + "☆" * (5 - stars), f"{STAR_NAMES[stars]}星级网格"
        s_size, s_gap = self.pt(14), 2 * u
        stars_w = text_width(star_text, s_size) + s_gap + text_width(label, s_size * 0.85)
        cx = x + w / 2
        # Wide pages put the stars at the right end of the title line, narrow ones under it.
        inline = (
            stars
            and len(t_lines) == 1
            and cx + text_width(t_lines[0], t_size) / 2 + 6 * u <= x + w - pad - stars_w
        )
        below = 3 * u + size_box(s_size) if stars and not inline else 0
        title_h = block_height(len(t_lines), t_size, 1.15)
        h = pad + size_box(k_size) + 2.5 * u + title_h + below + pad + 1.5 * u
        with pen.group("header", x, top - h, w, h):
            pen.rect(x, top - h, w, h, fill=RED, radius=2.5 * u)
            pen.rect(x + pad, top - h + 1.6 * u, w - 2 * pad, 0.7 * u, fill=GOLD)
            y = pen.lines(cx, top - pad, k_lines, k_size, GOLD, align="centre", kind="kicker") - 2.5 * u
            title_top = y
            y = pen.lines(
                cx, y, t_lines, t_size, WHITE, bold=True, leading=1.15, align="centre", kind="title"
            )
            if stars:
                left = x + w - pad - stars_w if inline else cx - stars_w / 2
                baseline = title_top - title_h / 2 - 0.36 * s_size if inline else y - 3 * u - 0.88 * s_size
                sw = pen.text(left, baseline, star_text, s_size, GOLD, kind="stars")
                pen.text(left + sw + s_gap, baseline, label, s_size * 0.85, WHITE, kind="star_label")
        return h

    def section_title(self, pen: Pen, x: float, top: float, w: float, title: str, note: str = "") -> float:
        size, u = self.pt(13), self.u
        h = size_box(size) + 2.2 * u
        pen.rect(x, top - size_box(size), 1.3 * u, size_box(size), fill=RED)
        tw = pen.text(x + 2.6 * u, top - 0.88 * size, title, size, RED, bold=True, kind="section")
        if note:
            room = w - tw - 6 * u
            n_size, n_lines = fit(note, room, self.pt(8.5), self.pt(6.5), 1)
            if room > 10 * u:
                pen.text(x + w, top - 0.88 * size, n_lines[0], n_size, GREY, align="right", kind="note")
        pen.rect(x, top - h + 0.6 * u, w, 0.35, fill=RED)
        return h

    def labelled(
        self,
        pen: Pen,
        x: float,
        top: float,
        w: float,
        label: str,
        value: str,
        chip_w: float,
        size: float,
        max_lines: int,
    ) -> float:
        """A label chip and its value beside it, wrapping; returns the height."""
        u = self.u
        chip_size = self.pt(9.5)
        chip_h = size_box(chip_size) + 1.6 * u
        with pen.group("chip", x, top - chip_h, chip_w, chip_h):
            pen.rect(x, top - chip_h, chip_w, chip_h, fill=RED, radius=chip_h * 0.25)
            pen.text(
                x + chip_w / 2, top - 0.8 * u - 0.88 * chip_size, label, chip_size, WHITE, align="centre"
            )
        vx = x + chip_w + 2 * u
        max_lines = max(1, max_lines - self.lines_cap)
        v_size, lines = fit(value or "—", w - chip_w - 2 * u, size, max(size * 0.7, self.pt(7.5)), max_lines)
        v_top = top - (chip_h - size_box(v_size)) / 2 if len(lines) == 1 else top - 0.4 * u
        end = pen.lines(vx, v_top, lines, v_size, INK, leading=1.3, kind="value")
        return max(chip_h, top - end)

    def overview(self, pen: Pen, x: float, top: float, w: float, extra: float = 0.0) -> float:
        g, u = self.b.grid, self.u
        y = top - self.section_title(pen, x, top, w, "网格概况", f"网格编码 {g.code}") - 1.5 * u
        size = self.pt(11.5)
        chip2 = text_width("东至", self.pt(9.5)) + 3 * u
        half = (w - 4 * u) / 2
        two_cols = all(text_width(v or "—", size) <= half - chip2 - 2 * u for _, v in g.boundaries)
        # A panel taller than its content spreads the rows a little (no more than 5 mm each).
        row_gap = 1.6 * u + min(
            extra / ((2 if two_cols else 4) + bool(g.coverage) + bool(g.party_branch) + 1), 5 * u
        )
        if two_cols:
            for row in range(2):
                heights = []
                for col in range(2):
                    label, value = g.boundaries[row * 2 + col]
                    heights.append(
                        self.labelled(pen, x + col * (half + 4 * u), y, half, label, value, chip2, size, 1)
                    )
                y -= max(heights) + row_gap
        else:
            for label, value in g.boundaries:
                y -= self.labelled(pen, x, y, w, label, value, chip2, size, 4) + row_gap
        chip4 = text_width("网格党支部", self.pt(9.5)) + 3 * u
        if g.coverage:
            y -= self.labelled(pen, x, y, w, "覆盖范围", g.coverage, chip4, self.pt(10.5), 3) + row_gap
        if g.party_branch:
            party = g.party_branch + (f"　书记 {g.party_secretary}" if g.party_secretary else "")
            y -= self.labelled(pen, x, y, w, "网格党支部", party, chip4, self.pt(10.5), 2) + row_gap
        y -= self.stats(pen, x, y - (row_gap - 1.6 * u) - 0.6 * u, w) + (row_gap - 1.6 * u) + 0.6 * u
        return top - y

    def stats(self, pen: Pen, x: float, top: float, w: float) -> float:
        g, u = self.b.grid, self.u
        area = "—" if g.area_km2 is None else f"{g.area_km2:g}"
        tiles = [
            ("面积（平方公里）", area, ""),
            ("楼栋", str(g.buildings), "栋"),
            ("户数", str(g.households), "户"),
            ("人口", str(g.residents), "人"),
        ]
        gap = 2 * u
        tw = (w - gap * (len(tiles) - 1)) / len(tiles)
        label_size, value_size, unit_size = self.pt(8.5), self.pt(17), self.pt(8.5)
        h = 2 * 1.6 * u + size_box(label_size) + 1.2 * u + size_box(value_size)
        for i, (label, value, unit) in enumerate(tiles):
            tx = x + i * (tw + gap)
            with pen.group("stat", tx, top - h, tw, h):
                pen.rect(tx, top - h, tw, h, fill=WHITE, stroke=LINE, radius=1.5 * u, line_width=0.5)
                l_size, l_lines = fit(label, tw - 2 * u, label_size, self.pt(6), 1)
                pen.text(
                    tx + tw / 2, top - 1.6 * u - 0.88 * label_size, l_lines[0], l_size, GREY, align="centre"
                )
                unit_w = text_width(unit, unit_size) + 1 * u if unit else 0.0
                v_size, v_lines = fit(value, tw - 3 * u - unit_w, value_size, self.pt(9), 1)
                total = text_width(v_lines[0], v_size) + unit_w
                left, baseline = tx + (tw - total) / 2, top - h + 1.6 * u + DESCENT * value_size
                vw = pen.text(left, baseline, v_lines[0], v_size, RED, bold=True, kind="stat_value")
                if unit:
                    pen.text(left + vw + 1 * u, baseline, unit, unit_size, GREY, kind="stat_unit")
        return h

    def qr_block(self, pen: Pen, x: float, top: float, w: float, extra: float = 0.0) -> float:
        u, side = self.u, self.qr_side
        top -= extra / 2  # centred in a taller panel
        left = x + (w - side) / 2
        draw_qr(pen, self.matrix, left, top - side, side)
        vcard = self.b.qr_mode == "vcard"
        caption = "扫码联系网格员" if vcard else "扫码上报问题"
        sub = "保存网格长联系方式" if vcard else "反映诉求　随手上报"
        c_size, c_lines = fit(caption, w, self.pt(12), self.pt(8), 1)
        s_size, s_lines = fit(sub, w, self.pt(8.5), self.pt(6.5), 1)
        y = pen.lines(
            x + w / 2, top - side - 2 * u, c_lines, c_size, RED, bold=True, align="centre", kind="qr_caption"
        )
        y = pen.lines(x + w / 2, y - 1.2 * u, s_lines, s_size, GREY, align="centre", kind="qr_note")
        return top - y

    def hours(self, pen: Pen, x: float, top: float, w: float, extra: float = 0.0) -> float:
        chip = text_width("服务时间", self.pt(9.5)) + 3 * self.u
        return self.labelled(
            pen,
            x,
            top,
            w,
            "服务时间",
            self.b.community.service_hours or "请致电社区咨询",
            chip,
            self.pt(11),
            2,
        )

    def hotline_tiles(self, pen: Pen, x: float, top: float, w: float, cols: int) -> float:
        items, u = hotlines(self.b), self.u
        rows = math.ceil(len(items) / cols)
        tw = (w - (cols - 1) * 2 * u) / cols
        label_size, number_size = self.pt(8.5), self.pt(17)
        th = 2 * 1.4 * u + size_box(label_size) + 1 * u + size_box(number_size)
        for i, (label, number) in enumerate(items):
            row, col = divmod(i, cols)
            tx, ty = x + col * (tw + 2 * u), top - row * (th + 1.6 * u)
            with pen.group("hotline", tx, ty - th, tw, th):
                pen.rect(tx, ty - th, tw, th, fill=WHITE, stroke=LINE, radius=1.5 * u, line_width=0.5)
                l_size, l_lines = fit(label, tw - 3 * u, label_size, self.pt(6.5), 1)
                pen.text(tx + tw / 2, ty - 1.4 * u - 0.88 * l_size, l_lines[0], l_size, GREY, align="centre")
                n_size, n_lines = fit(number, tw - 3 * u, number_size, self.pt(9), 1)
                pen.text(
                    tx + tw / 2,
                    ty - th + 1.4 * u + DESCENT * n_size,
                    n_lines[0],
                    n_size,
                    DARK_RED,
                    bold=True,
                    align="centre",
                    kind="hotline_number",
                )
        return rows * th + (rows - 1) * 1.6 * u

    def service(self, pen: Pen, x: float, top: float, w: float, extra: float = 0.0) -> float:
        y = top - self.hours(pen, x, top, w) - 2 * self.u
        y -= self.hotline_tiles(pen, x, y, w, max(1, len(hotlines(self.b))))
        return top - y

    def contact(self, pen: Pen, x: float, top: float, w: float, extra: float = 0.0) -> float:
        """Landscape: the QR beside the hotlines, the service hours under both."""
        qr_w = self.qr_side + 2 * self.u
        qr_h = self.qr_block(pen, x, top, qr_w)
        side_x = x + qr_w + 3 * self.u
        lines_h = self.hotline_tiles(pen, side_x, top, x + w - side_x, 1)
        y = top - max(qr_h, lines_h) - 2.4 * self.u
        y -= self.hours(pen, x, y, w)
        return top - y

    def footer(self, pen: Pen, x: float, y: float, w: float) -> float:
        b = self.b
        left = f"{b.street} {b.community.name} {b.grid.name}（{b.grid.code}）"
        date = f"{b.printed_on.year}年{b.printed_on.month}月{b.printed_on.day}日"
        right = f"打印日期 {date}　公示牌版本 v{b.board_version}"
        r_size, r_lines = fit(right, w * 0.55, self.pt(9), self.pt(6.5), 1)
        rw = pen.text(
            x + w, y + DESCENT * r_size, r_lines[0], r_size, INK, align="right", kind="footer_version"
        )
        l_size, l_lines = fit(left, w - rw - 4 * self.u, self.pt(8.5), self.pt(6), 1)
        pen.text(x, y + DESCENT * l_size, l_lines[0], l_size, GREY, kind="footer_place")
        return size_box(max(r_size, l_size))
