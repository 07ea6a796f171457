"""A batch of certificates as one PDF drawn on one canvas: fonts embedded once, each template's
page furniture drawn once.

A thousand forms printed as a thousand documents joined together carry a thousand copies of their
font subsets (87 KB a page), and each page is laid out from scratch. Here the first certificate of
a template is laid out as :func:`pdf.render_certificate` lays it out, but onto form XObjects that
hold everything except the values (frames, shading, labels, fixed text, the footer), while
:mod:`slots` notes where each value stands. Every certificate of the batch whose values take the
same room (the same wrapped size in every slot: almost all of them) is then one ``Do`` of that
furniture per page plus its values drawn in place. One whose values take other room (a two-line
address) gets a layout of its own the same way, reused by the next of its shape; one whose value
breaks across pages is laid out whole on its page, as a single certificate is.

The pages look exactly as the certificates' own PDFs do (the tests compare them rendered); those
single PDFs, registered with their hashes and reprinted byte for byte, are made separately.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable

from app.printing.certificates.pdf import certificate_flowables
from app.printing.certificates.slots import Placement, Recorder, Slot, collecting
from app.printing.fonts import SONG, register_fonts
from app.printing.layout import page_document
from app.services.certificates.issue import RenderJob

Sizes = tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class _Layout:
    """A template's pages for values of one shape: furniture forms, and where each slot goes."""

    pages: tuple[str, ...]  # form XObject names, one per page
    avails: tuple[tuple[float, float], ...]  # the room each slot was given
    sizes: Sizes  # the size each slot's value took
    placements: tuple[Placement, ...]


class _BatchCanvas(Canvas):
    """The batch's canvas. While furniture is recorded, a page the layout ends becomes a form."""

    recording: list[str] | None = None

    def begin_furniture_page(self, name: str) -> None:
        assert self.recording is not None
        self.recording.append(name)
        self.beginForm(name)

    def showPage(self) -> None:
        if self.recording is None:
            super().showPage()
        else:
            self.endForm()


class _PageDoc(BaseDocTemplate):
    """The certificate's page (layout.page_document), laid out onto the batch's canvas."""

    recorder: Recorder | None = None
    form_prefix = ""

    def handle_pageBegin(self) -> None:
        canvas = self.canv
        if self.recorder is not None:
            self.recorder.page = len(canvas.recording)
            canvas.begin_furniture_page(f"{self.form_prefix}p{self.recorder.page + 1}")
        super().handle_pageBegin()


class BatchPdf:
    """Certificates added one by one (:meth:`add`) onto the pages of one PDF (:meth:`finish`)."""

    def __init__(self, *, title: str, centre_name: str):
        register_fonts()
        self.title, self.centre_name = title, centre_name
        self.buffer = io.BytesIO()
        self.canvas = _BatchCanvas(
            self.buffer, pagesize=A4, invariant=True, initialFontName=SONG, lang="zh-CN"
        )
        self.layouts: dict[tuple[str, int], list[_Layout]] = {}
        self.whole: set[tuple[str, int, Sizes]] = set()  # shapes that break a value across pages
        self.pages = 0
        self.furniture = 0  # layouts recorded (each a set of form XObjects)

    def add(self, job: RenderJob) -> int:
        """Draws ``job``'s certificate on new pages; returns how many."""
        with collecting() as slots:
            flowables = _flowables(job)
        family = (job.spec.code, len(slots))
        layout = self._matching(family, slots)
        if layout is None:
            sizes = tuple(s.size or (0.0, 0.0) for s in slots)
            if (*family, sizes) in self.whole:
                return self._whole(job)
            layout = self._record(family, flowables, slots, job)
            if layout is None:
                self.whole.add((*family, sizes))
                return self._whole(job)
        self._draw(layout, slots)
        return len(layout.pages)

    def finish(self) -> bytes:
        canvas = self.canvas
        canvas.setTitle(self.title)
        canvas.setAuthor(self.centre_name)
        canvas.setCreator("yichuang")
        canvas.save()
        return self.buffer.getvalue()

    def _matching(self, family: tuple[str, int], slots: list[Slot]) -> _Layout | None:
        """A recorded layout in which each of these values takes the same room, if any."""
        for layout in self.layouts.get(family, ()):
            if all(
                s.wrap(*avail) == size
                for s, avail, size in zip(slots, layout.avails, layout.sizes, strict=True)
            ):
                return layout
        return None

    def _record(self, family, flowables: list[Flowable], slots: list[Slot], job: RenderJob) -> _Layout | None:
        """Lays the certificate out with its slots only placed; the furniture becomes forms."""
        recorder = Recorder()
        for s in slots:
            s.recorder = recorder
        canvas = self.canvas
        canvas.recording = []
        self.furniture += 1
        doc = self._doc(job)
        doc.recorder, doc.form_prefix = recorder, f"yc{self.furniture}"
        try:
            doc.build(list(flowables), canvasmaker=lambda *args, **kwargs: canvas)
        finally:
            pages, canvas.recording = tuple(canvas.recording), None
            for s in slots:
                s.recorder = None
        if any(s.was_split for s in slots) or any(id(s) not in recorder.placements for s in slots):
            # The forms stay in the file unused (a few KB); such a certificate is drawn whole.
            return None
        layout = _Layout(
            pages,
            tuple(s.avail for s in slots),
            tuple(s.size for s in slots),
            tuple(recorder.placements[id(s)] for s in slots),
        )
        self.layouts.setdefault(family, []).append(layout)
        return layout

    def _draw(self, layout: _Layout, slots: list[Slot]) -> None:
        canvas = self.canvas
        by_page: dict[int, list[tuple[Slot, Placement]]] = {}
        for s, placed in zip(slots, layout.placements, strict=True):
            by_page.setdefault(placed.page, []).append((s, placed))
        for page, form in enumerate(layout.pages):
            canvas.doForm(form)
            for s, placed in by_page.get(page, ()):
                canvas.saveState()
                canvas.transform(*placed.matrix)
                s.content.drawOn(canvas, placed.x, placed.y, placed.shift)
                canvas.restoreState()
            canvas.showPage()
        self.pages += len(layout.pages)

    def _whole(self, job: RenderJob) -> int:
        """The certificate laid out and drawn whole on its pages, as its own PDF is."""
        doc = self._doc(job)
        before = self.canvas.getPageNumber()
        doc.build(_flowables(job), canvasmaker=lambda *args, **kwargs: self.canvas)
        added = self.canvas.getPageNumber() - before
        self.pages += added
        return added

    def _doc(self, job: RenderJob) -> _PageDoc:
        doc = page_document(io.BytesIO(), title=self.title, centre_name=job.centre_name, kind=_PageDoc)
        doc._doSave = 0  # the batch's canvas is saved once, by finish()
        return doc


def _flowables(job: RenderJob) -> list[Flowable]:
    return certificate_flowables(
        job.spec,
        job.values,
        serial=job.serial,
        qr=(job.qr_text, job.verification_code),
        centre_name=job.centre_name,
        issue_date=job.issue_date,
    )
