"""The PDF renderer the certificate service is handed (``CertificateRenderer`` in
:mod:`app.services.certificates.issue`): one certificate, or a batch: each certificate's own PDF
rendered by worker processes (registered with its hash, reprinted byte for byte), and the batch's
pages drawn meanwhile on one canvas.

Kept apart from the use case so that the service decides serials, signatures and the register,
and this module only turns a finished :class:`RenderJob` into pages.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from app.services.certificates.issue import RenderJob

if TYPE_CHECKING:
    from app.printing.qr import Matrix

PARALLEL_FROM = 40  # certificates; below this one process is quicker than starting workers


def render_job(job: RenderJob) -> bytes:
    """Top level so that spawned worker processes can run it."""
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


def render_job_and_qr(job: RenderJob) -> tuple[bytes, Matrix]:
    """A worker's part of a batch: the certificate's own PDF, and its QR code's modules for the
    batch's page drawn in the issuing process (which would otherwise compute them again)."""
    from app.printing.certificates.qr_panel import CERTIFICATE_QR_MASK
    from app.printing.qr import qr_matrix

    return render_job(job), qr_matrix(job.qr_text, "M", CERTIFICATE_QR_MASK)


class PdfCertificateRenderer:
    """reportlab pages; a batch's single PDFs on worker processes (spawned, so no Qt or database
    handle is inherited), its pages in this process (app.printing.certificates.batch). reportlab and the
    fonts load with the first certificate, not when a screen that may issue one is built: the
    desk's start-up does not wait for them."""

    def __init__(self, workers: int | None = None):
        self.workers = workers

    def missing_glyphs(self, values: Mapping[str, object]) -> dict[str, list[str]]:
        from app.printing.certificates.pdf import missing_glyph_report

        return missing_glyph_report(values)

    def render(self, job: RenderJob) -> bytes:
        return render_job(job)

    def render_batch(self, jobs: list[RenderJob], consume: Callable[[int, bytes], None]) -> bytes:
        """Render every job, hand each one's own PDF to ``consume(index, pdf)`` in order as it
        arrives (the service registers it there, and may raise to stop), and return all pages as
        one PDF drawn meanwhile on one canvas (:mod:`batch`: fonts once, furniture once)."""
        from app.printing.certificates.batch import BatchPdf

        if not jobs:
            return BatchPdf(title="", centre_name="").finish()
        first = jobs[0]
        batch = BatchPdf(title=f"{first.spec.title}（{len(jobs)}份）", centre_name=first.centre_name)

        def take(index: int, pdf: bytes) -> None:
            consume(index, pdf)
            batch.add(jobs[index])

        self._render_all(jobs, take)
        return batch.finish()

    def _render_all(self, jobs: list[RenderJob], take: Callable[[int, bytes], None]) -> None:
        workers = self.workers if self.workers is not None else (os.cpu_count() or 1)
        if workers <= 1 or len(jobs) < PARALLEL_FROM:
            for index, job in enumerate(jobs):
                take(index, render_job(job))
            return
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            from app.printing.certificates.qr_panel import CERTIFICATE_QR_MASK
            from app.printing.qr import remember_matrix

            try:
                for index, (pdf, matrix) in enumerate(pool.map(render_job_and_qr, jobs, chunksize=8)):
                    remember_matrix((jobs[index].qr_text, "M", CERTIFICATE_QR_MASK), matrix)
                    take(index, pdf)
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise


PDF_RENDERER = PdfCertificateRenderer()
