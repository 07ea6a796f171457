"""Grid notice boards (网格公示牌) as one PDF, one page per grid, A4 or A3, portrait or landscape.

A board is posted at a building entrance and read from a few steps away: a red title band with the
community, the grid and its stars; the four boundaries, coverage, area and counts; the staff as
cards with photo (or a round avatar with the surname), role, phone and duty; service hours and
hotlines; a QR code (a report URL or the grid leader's vCard, at least 38 mm, error correction M+,
quiet zone kept); and a footer with the print date and the board version, so that an outdated
board on a wall can be recognised.

Everything is measured before it is drawn: when a board holds a lot (long boundaries, many staff)
the font factor steps down until it fits, long texts wrap and, at the smallest sizes, end with an
ellipsis. Every drawn box is recorded (:func:`layout_boards`) so tests check that nothing leaves
the page and nothing overlaps.
"""

from __future__ import annotations

import io
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A3, A4, landscape, portrait
from reportlab.pdfgen.canvas import Canvas

from app.printing.boards.drawing import CREAM, GREY, LINE, RED, Box, Pen, PhotoCache
from app.printing.boards.sections import BoardSections
from app.printing.boards.staff import CardMetrics, arrange, compact_list, draw_cards
from app.printing.fonts import SANS, register_fonts
from app.services.grids.boards import BoardData

PAPERS = {"A4": A4, "A3": A3}
ORIENTATIONS = ("portrait", "landscape")
MARGIN_MM = 8.0  # the red frame's distance from the paper edge, at A4 (A3 scales it)
FONT_FACTORS = (1.0, 0.93, 0.86, 0.8, 0.74, 0.68, 0.62)

_A85_LOCK = threading.Lock()
ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]


class BoardsCancelled(Exception):
    """render_boards stopped because ``cancelled()`` returned True."""


def page_size(paper: str = "A4", orientation: str = "portrait") -> tuple[float, float]:
    if paper not in PAPERS:
        raise ValueError(f"纸张只能是 {'、'.join(PAPERS)}，不是“{paper}”")
    if orientation not in ORIENTATIONS:
        raise ValueError(f"方向只能是 portrait 或 landscape，不是“{orientation}”")
    return (landscape if orientation == "landscape" else portrait)(PAPERS[paper])


def render_boards(
    boards: Sequence[BoardData],
    *,
    paper: str = "A4",
    orientation: str = "portrait",
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> bytes:
    """The PDF of ``boards``, one page each. Safe to call from a worker thread: ``progress(done,
    total)`` is called after every page, ``cancelled()`` before every page (BoardsCancelled)."""
    return _render(boards, paper, orientation, progress, cancelled)[0]


def layout_boards(
    boards: Sequence[BoardData], *, paper: str = "A4", orientation: str = "portrait"
) -> list[list[Box]]:
    """What :func:`render_boards` draws, as the boxes of every page (PDF points, origin bottom left)."""
    return _render(boards, paper, orientation, None, None)[1]


@contextmanager
def _binary_streams() -> Iterator[None]:
    """Streams in binary, not ASCII85: reportlab's pure-Python ASCII85 encoder would spend more
    time on a batch's photos than the whole layout. Binary streams are as valid; the setting is
    global, so it is switched back afterwards (a PDF another thread writes meanwhile stays valid)."""
    with _A85_LOCK:
        previous = rl_config.useA85
        rl_config.useA85 = 0
        try:
            yield
        finally:
            rl_config.useA85 = previous


def _render(boards, paper, orientation, progress, cancelled) -> tuple[bytes, list[list[Box]]]:
    width, height = page_size(paper, orientation)
    if not boards:
        raise ValueError("没有要打印的公示牌")
    register_fonts()
    with _binary_streams():
        return _render_pages(boards, width, height, progress, cancelled)


def _render_pages(boards, width, height, progress, cancelled) -> tuple[bytes, list[list[Box]]]:
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer, pagesize=(width, height), invariant=1, pageCompression=1, initialFontName=SANS, lang="zh-CN"
    )
    canvas.setTitle(
        "网格公示牌" if len(boards) > 1 else f"{boards[0].community.name}{boards[0].grid.name}公示牌"
    )
    canvas.setAuthor(boards[0].street)
    canvas.setCreator("yichuang")
    pages: list[list[Box]] = []
    with tempfile.TemporaryDirectory(prefix="yichuang-boards-") as folder:
        photos = PhotoCache(Path(folder))
        for done, board in enumerate(boards):
            if cancelled is not None and cancelled():
                raise BoardsCancelled("已取消打印公示牌")
            pen = Pen(canvas)
            _Board(board, width, height, photos).draw(pen)
            pages.append(pen.boxes)
            canvas.showPage()
            if progress is not None:
                progress(done + 1, len(boards))
        canvas.save()
    return buffer.getvalue(), pages


class _Board(BoardSections):
    """One page: the blocks arranged for the paper, the staff in what remains."""

    # ----------------------------------------------------------------------------- page
    def draw(self, pen: Pen) -> None:
        """Measure at falling font factors until everything fits, then draw. If nothing fits even
        at the smallest, long texts give up lines (they end with …) before anything overlaps."""
        for k in FONT_FACTORS:
            self.k = k
            if self.page(pen.measuring()):
                break
        else:
            for cap in (1, 2, 3):
                self.lines_cap = cap
                if self.page(pen.measuring()):
                    break
        self.page(pen, force=True)

    def page(self, pen: Pen, force: bool = False) -> bool:
        m = MARGIN_MM * self.u
        with pen.group("frame", m, m, self.width - 2 * m, self.height - 2 * m):
            pen.rect(
                m,
                m,
                self.width - 2 * m,
                self.height - 2 * m,
                stroke=RED,
                line_width=1.4 * self.s,
                radius=3 * self.u,
            )
            x0, y0 = m + 3.5 * self.u, m + 3 * self.u
            w, top = self.width - 2 * x0, self.height - m - 3.5 * self.u
            top -= self.header(pen, x0, top, w) + self.gap
            bottom = y0 + self.footer(pen, x0, y0, w) + 1.5 * self.u
            if self.width > self.height:
                return self.landscape(pen, x0, bottom, w, top, force)
            return self.portrait(pen, x0, bottom, w, top, force)

    def portrait(self, pen: Pen, x: float, bottom: float, w: float, top: float, force: bool) -> bool:
        service_h = self.panel(pen.measuring(), "service", x, 0, w, self.service)
        self.panel(pen, "service", x, bottom + service_h, w, self.service)
        bottom += service_h + self.gap
        qr_w = self.qr_side + 6 * self.u
        ov_w = w - qr_w - self.gap
        row_h = max(
            self.panel(pen.measuring(), "overview", x, top, ov_w, self.overview),
            self.panel(pen.measuring(), "qr_panel", x, top, qr_w, self.qr_block),
        )
        self.panel(pen, "overview", x, top, ov_w, self.overview, row_h)
        self.panel(pen, "qr_panel", x + ov_w + self.gap, top, qr_w, self.qr_block, row_h)
        top -= row_h + self.gap
        return self.staff(pen, x, bottom, w, top - bottom, force)

    def landscape(self, pen: Pen, x: float, bottom: float, w: float, top: float, force: bool) -> bool:
        left_w = max(0.36 * w, self.qr_side + 62 * self.u)
        ov_h = self.panel(pen.measuring(), "overview", x, top, left_w, self.overview)
        contact_h = self.panel(pen.measuring(), "contact", x, top, left_w, self.contact)
        room = top - bottom - ov_h - self.gap
        fits = room >= contact_h
        self.panel(
            pen, "overview", x, top, left_w, self.overview, max(ov_h, top - bottom - self.gap - contact_h)
        )
        self.panel(pen, "contact", x, bottom + contact_h, left_w, self.contact)
        staff_fits = self.staff(
            pen, x + left_w + self.gap, bottom, w - left_w - self.gap, top - bottom, force
        )
        return fits and staff_fits

    def panel(
        self, pen: Pen, kind: str, x: float, top: float, w: float, content, height: float = 0.0, fill=CREAM
    ) -> float:
        """A rounded panel around ``content(pen, x, top, w, extra) -> height``, which may spread
        itself over ``extra`` points when the panel is taller than it needs; returns the height."""
        pad = 3 * self.u
        natural = content(pen.measuring(), x + pad, top - pad, w - 2 * pad) + 2 * pad
        h = max(natural, height)
        with pen.group(kind, x, top - h, w, h):
            pen.rect(x, top - h, w, h, fill=fill, stroke=LINE, radius=2 * self.u, line_width=0.6)
            content(pen, x + pad, top - pad, w - 2 * pad, h - natural)
        return h

    def staff(self, pen: Pen, x: float, y: float, w: float, h: float, force: bool) -> bool:
        u, pad = self.u, 3 * self.u
        m = CardMetrics(u, self.k)
        people = list(self.b.staff)
        inner_w = w - 2 * pad
        title_h = self.section_title(pen.measuring(), x, 0, inner_w, "网格服务力量")
        avail = h - 2 * pad - title_h - 1.5 * u
        has_leader = bool(people) and people[0].role == "grid_leader"
        # Everyone as a card; else the 1+9 as cards and the X helpers listed; and when nothing else
        # fits at the smallest size, as many cards as fit with the others listed.
        core = [p for p in people if p.group != "X"]
        choices = [people] + ([core] if len(core) < len(people) else [])
        if force:
            choices += [people[:n] for n in range(len(core) - 1, 0, -1)]
        plan = None
        for cards in choices:
            listed = people[len(cards) :] if cards is not core else [p for p in people if p.group == "X"]
            list_h = compact_list(pen.measuring(), m, listed, 0, 0, inner_w) + 2.5 * u if listed else 0.0
            arrangement = arrange(m, cards, has_leader, inner_w, avail - list_h) if cards else None
            if arrangement is not None or not cards:
                plan = (cards, listed, arrangement)
                break
        if plan is None and not force:
            return False
        with pen.group("staff", x, y, w, h):
            pen.rect(x, y, w, h, fill=CREAM, stroke=LINE, radius=2 * u, line_width=0.6)
            top = y + h - pad
            top -= (
                self.section_title(pen, x + pad, top, inner_w, "网格服务力量", "1+9+X 网格服务团队") + 1.5 * u
            )
            if not people:
                pen.text(
                    x + pad,
                    top - 0.88 * self.pt(11),
                    "网格人员信息更新中，请致电社区服务电话",
                    self.pt(11),
                    GREY,
                )
                return True
            if plan is None:  # nothing else fits at the smallest size: everyone as a list line
                cards, listed, arrangement = [], people, None
            else:
                cards, listed, arrangement = plan
            if arrangement is not None:
                top = draw_cards(pen, self.photos, m, cards, arrangement, x + pad, top, inner_w) - 2.5 * u
            if listed:
                room = top - (y + pad)
                used = compact_list(pen.measuring(), m, listed, x + pad, top, inner_w, room)
                with pen.group("staff_list", x + pad, top - used, inner_w, used):
                    compact_list(pen, m, listed, x + pad, top, inner_w, room)
        return plan is not None


__all__ = ["BoardsCancelled", "Box", "layout_boards", "page_size", "render_boards"]
