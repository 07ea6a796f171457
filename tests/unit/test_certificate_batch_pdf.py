"""A batch as one PDF on one canvas: every page looks as the certificate's own PDF does, the fonts
are embedded once, the furniture is one form XObject reused, and every QR code still verifies."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import ImageChops
from sqlalchemy import select

from app.models import Certificate, CertificateTemplate, Resident
from app.printing.certificates.batch import BatchPdf
from app.printing.certificates.renderer import PdfCertificateRenderer, render_job
from app.services.certificates import templates as ct
from app.services.certificates.issue import RenderJob, issue_batch, reprint_certificate
from app.services.certificates.register import NOT_DRAWN
from app.services.certificates.signing import verify
from tests.conftest import DEMO_TODAY
from tests.unit.test_certificate_templates import CODES, STAFF, staff_values

CENTRE = "桃园社区党群服务中心"
QR_TEXT = "YC1.GL-2026-000123.GLJT.20261123.3f9a61c0d2e84b7a." + "Zm9yZ2VkIHNpZ25hdHVyZXM" * 3
LONG_ADDRESS = "陕西省铜川市王益区桃园街道办事处桃园社区幸福路二十二号院三号楼二单元十五层一五零二室（东户）"


def _people(session, count: int) -> list[Resident]:
    living = select(Resident).where(Resident.state == "living", Resident.household_id.is_not(None))
    return list(session.scalars(living.order_by(Resident.id).limit(count)))


def _jobs(session, code: str, people: list[Resident], **changes) -> list[RenderJob]:
    spec = ct.spec_of(session.get(CertificateTemplate, code))
    jobs = []
    for i, resident in enumerate(people):
        values = ct.resolve(spec, ct.prefill(session, spec, resident, DEMO_TODAY), staff_values(spec))
        values.update(changes)
        serial = f"{spec.serial_prefix}-2026-{i + 1:06d}"
        jobs.append(RenderJob(spec, values, serial, QR_TEXT + str(i), f"K7Q{i}-9XMD", CENTRE, DEMO_TODAY))
    return jobs


def _batch(jobs: list[RenderJob]) -> tuple[bytes, BatchPdf]:
    batch = BatchPdf(title="批量", centre_name=CENTRE)
    for job in jobs:
        batch.add(job)
    return batch.finish(), batch


def _pages(pdf: bytes, dpi: int = 50) -> list[tuple[list[str], object]]:
    """(characters, image) of every page, as a viewer shows it: the characters sorted, as the
    batch draws the furniture first and the values after it."""
    document = pdfium.PdfDocument(pdf)
    pages = []
    for page in document:
        text = sorted(re.sub(r"\s+", "", page.get_textpage().get_text_bounded()))
        pages.append((text, page.render(scale=dpi / 72).to_pil().convert("L")))
    return pages


def _same_look(a, b) -> bool:
    """Equal but for anti-aliasing: no pixel differs by more than a quarter of the grey scale."""
    difference = ImageChops.difference(a, b).point(lambda v: 255 if v > 64 else 0)
    return a.size == b.size and difference.getbbox() is None


def _assert_pages_match_singles(pdf: bytes, jobs: list[RenderJob]) -> None:
    batch_pages = _pages(pdf)
    position = 0
    for job in jobs:
        for text, image in _pages(render_job(job)):
            batch_text, batch_image = batch_pages[position]
            assert batch_text == text, (job.serial, position)
            assert _same_look(batch_image, image), (job.serial, position)
            position += 1
    assert position == len(batch_pages)


@pytest.fixture
def session(demo_db):
    with demo_db.sessions.begin() as s:
        ct.load_templates(s)
    with demo_db.sessions() as s:
        yield s


@pytest.mark.parametrize("code", CODES)
def test_every_page_of_a_batch_looks_like_the_certificates_own_pdf(session, code):
    people = _people(session, 3)
    jobs = _jobs(session, code, people)
    # Values of another shape (an address on more lines) get a layout of their own.
    jobs += _jobs(session, code, people[:1], hukou_address=LONG_ADDRESS, current_address=LONG_ADDRESS)
    jobs.append(jobs[0]._replace(serial="XX-2026-000099"))
    pdf, _ = _batch(jobs)
    _assert_pages_match_singles(pdf, jobs)


def test_a_value_broken_across_pages_is_drawn_whole_and_still_matches(session):
    people = _people(session, 2)
    long_reason = "家庭成员突发重大疾病，长期住院治疗，" * 60
    jobs = _jobs(session, "DBSQ", people[:1]) + _jobs(session, "DBSQ", people[1:], reason=long_reason)
    pdf, batch = _batch(jobs)
    assert batch.whole  # the long one was laid out whole
    _assert_pages_match_singles(pdf, jobs)


def test_fifty_forms_share_their_fonts_and_their_furniture(session):
    jobs = _jobs(session, "GLJT", _people(session, 50))
    pdf, batch = _batch(jobs)
    single = render_job(jobs[0])
    pages = batch.pages
    assert pages >= 50
    assert len(pdf) / pages < 20_000  # bytes a page (each form's own PDF: about 90 KB a page)
    # Each font subset is embedded once for the whole batch, not once per form.
    subsets = len(re.findall(rb"/FontFile2", pdf))
    assert subsets < 2 * len(re.findall(rb"/FontFile2", single))
    # A few sets of furniture (values taking more room, e.g. no phone number: a taller row to write
    # in), each recorded once as form XObjects and drawn on every page of that shape.
    layouts = [layout for family in batch.layouts.values() for layout in family]
    assert batch.furniture == len(layouts) <= 4
    forms = len(re.findall(rb"/Subtype /Form", pdf))
    assert forms == sum(len(layout.pages) for layout in layouts) < pages / 5
    document = pdfium.PdfDocument(pdf)
    for index in (0, 1, pages - 1):
        objects = [o.type for o in document[index].get_objects(max_depth=1)]
        assert objects.count(pdfium.raw.FPDF_PAGEOBJ_FORM) == 1


def test_the_qr_code_on_every_page_of_an_issued_batch_verifies(demo_db):
    renderer = PdfCertificateRenderer(workers=1)
    with demo_db.sessions() as s:
        people = _people(s, 4)
        serials, pdf = issue_batch(
            s,
            renderer,
            template_code="GLJT",
            residents=people,
            actor="t",
            staff_values={"age_band": STAFF["age_band"], "bank": STAFF["bank"]},
            today=dt.date(2026, 11, 23),
        )
        s.commit()
        found = []
        for page in pdfium.PdfDocument(pdf):
            image = page.render(scale=150 / 72).to_pil()
            found += [
                b.text for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode
            ]
        assert len(found) == len(people)
        results = [verify(s, text) for text in found]
        assert all(r.valid for r in results), results
        entries = {c.serial: c for c in s.scalars(select(Certificate).where(Certificate.serial.in_(serials)))}
        assert [entries[serial].qr_payload for serial in serials] == found
        # What was printed is the batch: no certificate's own PDF is drawn, or hashed, yet. The
        # first reprint draws it and registers its hash; every later one is the same bytes.
        assert {entries[serial].pdf_sha256 for serial in serials} == {NOT_DRAWN}
        first = reprint_certificate(s, renderer, serials[1], actor="t")
        assert entries[serials[1]].pdf_sha256 == hashlib.sha256(first.pdf).hexdigest()
        again = reprint_certificate(s, renderer, serials[1], actor="t")
        assert again.pdf == first.pdf and entries[serials[1]].reprints == 2


def test_a_large_batch_is_the_same_pdf_whether_its_qr_codes_come_from_workers_or_not(session):
    from app.printing.certificates.renderer import PARALLEL_FROM
    from app.printing.qr import _recent

    jobs = _jobs(session, "JZZM", _people(session, PARALLEL_FROM + 2))
    drawn_alone, drawn_beside = [], []
    _recent.clear()
    alone = PdfCertificateRenderer(workers=1).render_batch(jobs, drawn_alone.append)
    _recent.clear()  # nothing computed here: every code comes from the worker
    beside = PdfCertificateRenderer(workers=2).render_batch(jobs, drawn_beside.append)
    assert drawn_alone == drawn_beside == list(range(len(jobs)))
    assert beside == alone
