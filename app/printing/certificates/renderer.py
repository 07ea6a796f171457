"""The PDF renderer the certificate service is handed (``CertificateRenderer`` in
:mod:`app.services.certificates.issue`): one certificate as its own PDF (registered with its hash,
reprinted byte for byte), or a batch's pages drawn on one canvas, with the QR codes of a large
batch encoded meanwhile on worker processes.

Kept apart from the use case so that the service decides serials, signatures and the register,
and this module only turns a finished :class:`RenderJob` into pages.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from app.services.certificates.issue import RenderJob

if TYPE_CHECKING:
    from app.printing.qr import Matrix

PARALLEL_FROM = 200  # certificates; below this, starting a worker costs more than it saves
QR_CHUNK = 16  # QR codes a worker encodes per task


def render_job(job: RenderJob) -> bytes:
    from app.printing.certificates.pdf import render_certificate

    return render_certificate(
        job.spec,
        job.values,
        serial=job.serial,
        qr_text=job.qr_text,
        verification_code=job.verification_code,
        centre_name=job.centre_name,
        issue_date=job.issue_date,
    )


def qr_chunk(texts: list[str]) -> list[Matrix]:
    """A worker's part of a batch: certificates' QR codes (pure Python, a sixth of a page's cost)."""
    from app.printing.certificates.qr_panel import CERTIFICATE_QR_MASK
    from app.printing.qr import qr_matrix

    return [qr_matrix(text, "M", CERTIFICATE_QR_MASK) for text in texts]


class PdfCertificateRenderer:
    """reportlab pages. reportlab and the fonts load with the first certificate, not when a screen
    that may issue one is built: the desk's start-up does not wait for them."""

    def __init__(self, workers: int | None = None):
        self.workers = workers

    def missing_glyphs(self, values: Mapping[str, object]) -> dict[str, list[str]]:
        from app.printing.certificates.pdf import missing_glyph_report

        return missing_glyph_report(values)

    def render(self, job: RenderJob) -> bytes:
        return render_job(job)

    def render_batch(self, jobs: list[RenderJob], drawn: Callable[[int], None]) -> bytes:
        """Every job's pages on one canvas (:mod:`batch`: fonts once, furniture once), calling
        ``drawn(index)`` in order as each is drawn (the service registers it there, and may raise
        to stop)."""
        from app.printing.certificates.batch import BatchPdf

        if not jobs:
            return BatchPdf(title="", centre_name="").finish()
        first = jobs[0]
        batch = BatchPdf(title=f"{first.spec.title}（{len(jobs)}份）", centre_name=first.centre_name)
        for index, job in self._with_qr_codes(jobs):
            batch.add(job)
            drawn(index)
        return batch.finish()

    def _with_qr_codes(self, jobs: list[RenderJob]) -> Iterator[tuple[int, RenderJob]]:
        """The jobs in order; in a large batch their QR codes are encoded meanwhile by worker
        processes (spawned, so no Qt or database handle is inherited): one core draws pages, the
        others encode, and a code is handed to the drawing through :func:`remember_matrix`. The
        drawing never waits for a worker: a code not ready yet (the workers take about a second
        to start) is encoded where it is needed."""
        workers = self.workers if self.workers is not None else (os.cpu_count() or 1)
        if workers <= 1 or len(jobs) < PARALLEL_FROM:
            yield from enumerate(jobs)
            return
        from app.printing.certificates.qr_panel import CERTIFICATE_QR_MASK
        from app.printing.qr import remember_matrix

        texts = [job.qr_text for job in jobs]
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=max(1, workers - 1), mp_context=context) as pool:
            try:
                chunks = [
                    pool.submit(qr_chunk, texts[i : i + QR_CHUNK]) for i in range(0, len(texts), QR_CHUNK)
                ]
                for index, job in enumerate(jobs):
                    chunk = chunks[index // QR_CHUNK]
                    if chunk.done() and chunk.exception() is None:
                        remember_matrix(
                            (job.qr_text, "M", CERTIFICATE_QR_MASK), chunk.result()[index % QR_CHUNK]
                        )
                    yield index, job
            finally:
                pool.shutdown(wait=True, cancel_futures=True)


PDF_RENDERER = PdfCertificateRenderer()
