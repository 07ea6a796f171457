"""Benchmark: certificate PDFs, one at the desk and 1,000 in a batch, against a Word mail merge
converted by LibreOffice headless.

    python bench/bench_certificates.py [--residents 30000] [--single 200] [--batch 1000]
                                       [--lo-runs 5] [--lo-batch 100] [--no-install]
                                       [--keep DIR] [--markdown-out FILE]

A fresh SQLite database (the project's own settings, through ``open_database``) gets the demo
street with ``initialise(db, with_demo=True, seed=1, residents=N)``; ``YICHUANG_KEYS_DIR`` points
into the temporary folder, so the benchmark makes a throw-away signing key and never touches a
real one. Then, in this order:

1. **One certificate** (居住证明, JZZM) for each of ``--single`` random demo residents, each in
   its own transaction that is **committed**, as at the desk: ``find_resident`` (not timed), then
   ``issue_certificate`` (values, glyph check, serial, Ed25519 signature, PDF, register insert) is
   timed, and the whole transaction with the lookup and the COMMIT. For the same resident,
   ``render_certificate`` alone is timed with the issued serial and QR (is the PDF byte-identical?).
   The very first issue in the process (font loading, key pair creation) is reported separately.
2. **Batch**: ``--batch`` 居住证明 (JZZM, one page: the document LibreOffice makes below) for
   random living residents in one ``issue_batch`` call in one transaction, committed (the target:
   1,000 one-page documents in 10 s); ``--batch`` 高龄津贴申请审批表 (GLJT, a form of two pages)
   for the residents aged 80 and over (topped up with younger ones if the demo has too few), the
   same way; seconds, per document, the PDF's size. Also ``--lo-batch`` 居住证明 in one
   ``issue_batch`` for the same residents as the LibreOffice batch below.
3. **LibreOffice**, the way a community office does it today: a Word template of the same 居住证明
   text (built with python-docx when it is importable, else written by hand as minimal
   WordprocessingML), merged per resident by text replacement (what a mail merge produces: one
   .docx per resident with the fields filled in), then ``soffice --headless --convert-to pdf``:
   one document per process (a cold start each time, median of ``--lo-runs``), and ``--lo-batch``
   documents in one invocation (all files on one command line). When ``soffice`` is missing it is
   installed with apt-get (``libreoffice-writer-nogui``, else ``libreoffice-writer``) unless
   ``--no-install`` is given; if that fails the rows say "not measured". LibreOffice gets the same
   Chinese font as the PDFs (the bundled AR PL UMing, through a private fontconfig file), its own
   throw-away user profile, and no QR code, seal or signature (a mail merge has none).

Timings use ``time.perf_counter_ns``. Prints Markdown tables on stdout; progress and apt-get's
output go to stderr. Not part of the test run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.db import open_database  # noqa: E402
from app.models import CertificateTemplate, Resident  # noqa: E402
from app.printing.certificates.pdf import render_certificate, shown_values  # noqa: E402
from app.printing.certificates.renderer import PDF_RENDERER  # noqa: E402
from app.printing.fonts import SONG, register_fonts  # noqa: E402
from app.services.admin.centre import centre_name, current_community  # noqa: E402
from app.services.certificates.issue import issue_batch, issue_certificate  # noqa: E402
from app.services.certificates.template_schema import PLACEHOLDER  # noqa: E402
from app.services.certificates.templates import prefill, resolve, spec_of  # noqa: E402
from app.services.common.chinese import chinese_date  # noqa: E402
from app.services.population.lookup import find_resident  # noqa: E402
from app.services.population.selection import ResidentFilter, matching_residents  # noqa: E402
from app.services.setup.initialise import initialise  # noqa: E402

SINGLE_TARGET_MS = 80.0  # issue 4, point 9: one certificate PDF, median <= 80 ms
BATCH_TARGET_S = 10.0  # issue 21, point 4: 1,000 one-page documents in a batch <= 10 s
PAGE_TARGET_KB = 15.0  # issue 21, point 4: <= 15 KB a page
STEADY_RATIO_TARGET = 2.5  # issue 21: >= 2.5x LibreOffice's steady state a document
SINGLE_CODE = "JZZM"  # 居住证明
BATCH_CODE = "GLJT"  # 高龄津贴申请审批表
SINGLE_VALUES = {"since": "2018年5月", "purpose": "子女就近入学报名"}
BATCH_VALUES = {"age_band": "80至89周岁", "bank": "中国邮政储蓄银行铜川市分行"}
ACTOR = "bench"
WARMUP = 5
APT_PACKAGES = ("libreoffice-writer-nogui", "libreoffice-writer")
SOFFICE_TIMEOUT_S = 1800


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summarise(samples_ns: list[int]) -> dict[str, float]:
    ms = sorted(s / 1e6 for s in samples_ns)
    return {
        "n": len(ms),
        "p50": percentile(ms, 0.50),
        "p90": percentile(ms, 0.90),
        "p99": percentile(ms, 0.99),
        "max": ms[-1] if ms else math.nan,
    }


def load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------------------ 1. one certificate


def bench_single(db, id_numbers: list[str], today: dt.date, keep: Path | None) -> dict:
    clock = time.perf_counter_ns
    first_id, warm, timed = id_numbers[0], id_numbers[1 : 1 + WARMUP], id_numbers[1 + WARMUP :]

    def issue_one(id_number: str) -> tuple[int, int, object]:
        start = clock()
        with db.sessions.begin() as session:
            resident = find_resident(session, id_number)
            before = clock()
            issued = issue_certificate(
                session,
                PDF_RENDERER,
                template_code=SINGLE_CODE,
                resident=resident,
                staff_values=SINGLE_VALUES,
                actor=ACTOR,
                today=today,
            )
            issue_ns = clock() - before
        return issue_ns, clock() - start, issued

    def render_again(id_number: str, issued) -> tuple[int, bool]:
        with db.sessions() as session:
            template = session.get(CertificateTemplate, SINGLE_CODE)
            spec = spec_of(template)
            resident = find_resident(session, id_number)
            values = resolve(spec, prefill(session, template, resident, today), SINGLE_VALUES)
            centre = centre_name(current_community(session))
            start = clock()
            pdf = render_certificate(
                spec,
                values,
                serial=issued.serial,
                qr_text=issued.qr,
                verification_code=issued.verification_code,
                centre_name=centre,
                issue_date=today,
            )
            return clock() - start, pdf == issued.pdf

    log(f"[single] first issue in the process (fonts not loaded yet, load average {load_average()})")
    first_issue_ns, first_txn_ns, issued = issue_one(first_id)
    first_render_ns, _ = render_again(first_id, issued)
    for id_number in warm:
        issue_one(id_number)
    before = load_average()
    log(f"[single] timing {len(timed)} issues + renders, each committed (load average {before})")
    issue_ns: list[int] = []
    txn_ns: list[int] = []
    render_ns: list[int] = []
    sizes: list[int] = []
    identical = 0
    for k, id_number in enumerate(timed, start=1):
        i_ns, t_ns, issued = issue_one(id_number)
        r_ns, same = render_again(id_number, issued)
        issue_ns.append(i_ns)
        txn_ns.append(t_ns)
        render_ns.append(r_ns)
        sizes.append(len(issued.pdf))
        identical += same
        if k % 50 == 0:
            log(f"[single]   {k}/{len(timed)}")
    if keep:
        (keep / f"single-{issued.serial}.pdf").write_bytes(issued.pdf)
    return {
        "first_issue_ms": first_issue_ns / 1e6,
        "first_txn_ms": first_txn_ns / 1e6,
        "first_render_ms": first_render_ns / 1e6,
        "issue": summarise(issue_ns),
        "txn": summarise(txn_ns),
        "render": summarise(render_ns),
        "identical": identical,
        "pdf_kb": statistics.median(sizes) / 1024,
        "load": f"{before}–{load_average()}",
    }


# ---------------------------------------------------------------------------------------- 2. batch


def bench_batch(db, code: str, people_ids: list[int], values: dict, today: dt.date, label: str) -> dict:
    """One ``issue_batch`` over ``people_ids`` (resident ids) in one transaction, committed."""
    clock = time.perf_counter
    last = [clock()]
    start = clock()

    def progress(done: int, total: int) -> None:
        now = clock()
        if now - last[0] > 10 or done >= total:
            last[0] = now
            log(f"[{label}]   {done:,}/{total:,} issued, {now - start:.1f} s")

    before = load_average()
    log(f"[{label}] {len(people_ids):,} × {code} in one issue_batch (load average {before})")
    with db.sessions() as session:
        query_start = clock()
        people = list(
            session.scalars(select(Resident).where(Resident.id.in_(people_ids)).order_by(Resident.id))
        )
        query_s = clock() - query_start
        batch_start = clock()
        serials, pdf = issue_batch(
            session,
            PDF_RENDERER,
            template_code=code,
            residents=people,
            staff_values=values,
            actor=ACTOR,
            today=today,
            progress=progress,
        )
        batch_s = clock() - batch_start
        commit_start = clock()
        session.commit()
        commit_s = clock() - commit_start
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    return {
        "code": code,
        "n": len(serials),
        "query_s": query_s,
        "batch_s": batch_s,
        "commit_s": commit_s,
        "per_doc_ms": batch_s * 1000 / len(serials),
        "pdf_mb": len(pdf) / 1e6,
        "pages": pages,
        "pdf": pdf,
        "load": f"{before}–{load_average()}",
    }


# --------------------------------------------------------------------------------- 3. LibreOffice

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def merge_field(name: str) -> str:
    return f"«{name}»"


def letter_paragraphs(spec, centre: str) -> list[tuple[str, str]]:
    """(style, text with «field» placeholders) of the 居住证明 as a Word template holds it: what the
    PDF prints, without the QR code, the seal and the verification hint."""
    assert spec.signature is not None
    fill = lambda text: PLACEHOLDER.sub(lambda m: merge_field(m.group(1)), text)  # noqa: E731
    heading = centre if spec.heading is None else str(spec.heading or "")
    parts = [("heading", fill(heading))] if heading else []
    parts += [("title", spec.title), ("number", "编号：" + merge_field("serial"))]
    parts += [("body", fill(part.text)) for part in spec.body if not part.table]
    parts += [("blank", ""), ("issuer", fill(spec.signature.issuer)), ("issuer", merge_field("issue_date"))]
    parts += [("blank", "")] + [("note", fill(text)) for text in spec.footer]
    return parts


# size in half-points, alignment, first-line indent in hundredths of a character, exact line (twips)
WORD_STYLES = {
    "heading": (36, "center", 0, 560),
    "title": (44, "center", 0, 680),
    "number": (28, "right", 0, 440),
    "body": (32, "left", 200, 560),
    "blank": (32, "left", 0, 560),
    "issuer": (32, "right", 0, 560),
    "note": (24, "left", 0, 320),
}


def docx_template_by_hand(parts: list[tuple[str, str]], font: str) -> bytes:
    """Minimal WordprocessingML: [Content_Types].xml, _rels/.rels, word/document.xml; A4 with the
    GB/T 9704 margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm)."""
    face = xml_escape(font, {'"': "&quot;"})
    body = []
    for style, text in parts:
        size, align, indent, line = WORD_STYLES[style]
        twips = size * 10 * indent // 100  # the same indent in twips, for readers without *Chars
        ind = f'<w:ind w:firstLineChars="{indent}" w:firstLine="{twips}"/>' if indent else ""
        body.append(
            f'<w:p><w:pPr><w:spacing w:line="{line}" w:lineRule="exact" w:before="0" w:after="0"/>{ind}'
            f'<w:jc w:val="{align}"/></w:pPr><w:r><w:rPr>'
            f'<w:rFonts w:ascii="{face}" w:hAnsi="{face}" w:eastAsia="{face}" w:cs="{face}"/>'
            f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/><w:lang w:eastAsia="zh-CN"/></w:rPr>'
            f'<w:t xml:space="preserve">{xml_escape(text)}</w:t></w:r></w:p>'
        )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NS}"><w:body>{"".join(body)}'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" '
        'w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("word/document.xml", document)
    return out.getvalue()


def docx_template_python_docx(parts: list[tuple[str, str]], font: str) -> bytes:
    import docx  # python-docx, only when the system has it
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    align = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "both": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
    }
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    for style, text in parts:
        size, alignment, indent, line = WORD_STYLES[style]
        paragraph = document.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = align[alignment]
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(line / 20)
        fmt.space_before = fmt.space_after = Pt(0)
        if indent:
            fmt.first_line_indent = Pt(size / 2 * indent / 100)
        run = paragraph.add_run(text)
        run.font.size, run.font.name = Pt(size / 2), font
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def build_docx_template(parts: list[tuple[str, str]], font: str) -> tuple[bytes, str]:
    try:
        import docx  # noqa: F401
    except ImportError:
        return docx_template_by_hand(parts, font), "written by hand (python-docx is not importable)"
    return docx_template_python_docx(parts, font), "built with python-docx"


def mail_merge(template: bytes, fields: dict[str, str]) -> bytes:
    """The template with every «field» replaced by its value (XML-escaped): one merged document."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                for name, value in fields.items():
                    text = text.replace(xml_escape(merge_field(name)), xml_escape(value))
                data = text.encode("utf-8")
            dst.writestr(item, data)
    return out.getvalue()


def merge_fields(db, id_numbers: list[str], today: dt.date) -> tuple[list[dict[str, str]], object, str]:
    """Per resident, the field values exactly as the certificate prints them (plus a serial and the
    issue date); also the template's spec and the centre's name for the heading."""
    rows = []
    with db.sessions() as session:
        template = session.get(CertificateTemplate, SINGLE_CODE)
        spec = spec_of(template)
        for k, id_number in enumerate(id_numbers, start=1):
            resident = find_resident(session, id_number)
            values = resolve(spec, prefill(session, template, resident, today), SINGLE_VALUES)
            shown = shown_values(spec, values, today)
            shown["serial"] = f"JZ{today.year}{k:05d}"
            shown["issue_date"] = chinese_date(today)
            rows.append(shown)
        centre = centre_name(current_community(session))
    return rows, spec, centre


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def install_libreoffice() -> tuple[str | None, str]:
    """apt-get install LibreOffice Writer (headless); returns (soffice path, what was done)."""
    prefix: list[str] = []
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            return None, "not root and no sudo: cannot run apt-get"
        prefix = ["sudo", "-n"]
    if not shutil.which("apt-get"):
        return None, "no apt-get on this system"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}

    def run(cmd: list[str]) -> int:
        log("[libreoffice] running: " + " ".join(cmd))
        return subprocess.run(cmd, stdout=sys.stderr, stderr=sys.stderr, env=env, check=False).returncode

    updated = False
    for package in APT_PACKAGES:
        cmd = [*prefix, "apt-get", "install", "-y", "--no-install-recommends", package]
        start = time.perf_counter()
        code = run(cmd)
        if code != 0 and not updated:
            updated = True
            run([*prefix, "apt-get", "update"])
            code = run(cmd)
        if code == 0 and find_soffice():
            return find_soffice(), f"installed with `{' '.join(cmd)}` in {time.perf_counter() - start:.0f} s"
    return None, f"apt-get install of {' or '.join(APT_PACKAGES)} failed"


def soffice_version(soffice: str) -> str:
    try:
        out = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return out.stdout.strip().splitlines()[0] if out.stdout.strip() else "?"


class LibreOffice:
    """``soffice --headless --convert-to pdf`` with its own profile and the project's fonts."""

    def __init__(self, soffice: str, workdir: Path) -> None:
        self.soffice = soffice
        self.profile = workdir / "lo-profile"
        fonts_conf = workdir / "fonts.conf"
        fonts_conf.write_text(
            '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
            '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
            f"<dir>{xml_escape(str(ROOT / 'resources' / 'fonts'))}</dir>"
            f"<cachedir>{xml_escape(str(workdir / 'fc-cache'))}</cachedir></fontconfig>",
            encoding="utf-8",
        )
        self.env = {**os.environ, "FONTCONFIG_FILE": str(fonts_conf), "HOME": str(workdir)}

    def convert(self, files: list[Path], outdir: Path) -> float:
        """Seconds for one soffice process converting ``files``; checks that every PDF exists."""
        outdir.mkdir(parents=True, exist_ok=True)
        cmd = [
            self.soffice,
            f"-env:UserInstallation={self.profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, files),
        ]
        start = time.perf_counter()
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env=self.env, timeout=SOFFICE_TIMEOUT_S, check=False
        )
        elapsed = time.perf_counter() - start
        missing = [f.name for f in files if not (outdir / f"{f.stem}.pdf").is_file()]
        if proc.returncode != 0 or missing:
            raise RuntimeError(
                f"soffice exit {proc.returncode}, {len(missing)} PDFs missing: {proc.stderr.strip()[-500:]}"
            )
        return elapsed


def pdf_fonts(path: Path) -> list[str]:
    reader = PdfReader(str(path))
    names = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            names.add(str(ref.get_object().get("/BaseFont", "?")).lstrip("/"))
    return sorted(names)


def bench_libreoffice(
    args, db, workdir: Path, id_numbers: list[str], today: dt.date, keep: Path | None
) -> dict:
    result: dict = {"measured": False}
    soffice = find_soffice()
    if soffice:
        result["install"] = f"already installed ({soffice})"
    elif args.no_install:
        result["reason"] = "soffice not found and --no-install given"
        return result
    else:
        log("[libreoffice] soffice not found; installing LibreOffice Writer with apt-get")
        soffice, result["install"] = install_libreoffice()
        log(f"[libreoffice] {result['install']}")
        if not soffice:
            result["reason"] = result["install"]
            return result
    result["version"] = soffice_version(soffice)
    register_fonts()
    font = pdfmetrics.getFont(SONG).face.familyName
    font = font.decode("utf-8", "replace") if isinstance(font, bytes) else str(font)
    result["font"] = font

    lo_dir = workdir / "libreoffice"
    lo_dir.mkdir()
    rows, spec, centre = merge_fields(db, id_numbers, today)
    template, result["template_how"] = build_docx_template(letter_paragraphs(spec, centre), font)
    (lo_dir / "template.docx").write_bytes(template)
    start = time.perf_counter()
    docs = []
    for k, fields in enumerate(rows):
        path = lo_dir / f"jzzm-{k:04d}.docx"
        path.write_bytes(mail_merge(template, fields))
        docs.append(path)
    result["merge_ms"] = (time.perf_counter() - start) * 1000 / len(rows)
    result["docx_kb"] = statistics.median(p.stat().st_size for p in docs) / 1024

    office = LibreOffice(soffice, workdir)
    singles, batch = docs[: args.lo_runs + 1], docs[args.lo_runs + 1 :]
    try:
        log(f"[libreoffice] {result['version']}; first run (new profile, font cache; load {load_average()})")
        result["first_s"] = office.convert([singles[0]], lo_dir / "first")
        before = load_average()
        runs = []
        for k, doc in enumerate(singles[1:], start=1):
            runs.append(office.convert([doc], lo_dir / f"single-{k}"))
            log(f"[libreoffice]   one document, run {k}: {runs[-1]:.2f} s")
        result["single_runs"] = runs
        result["single_load"] = f"{before}–{load_average()}"
        before = load_average()
        log(f"[libreoffice] {len(batch)} documents in one invocation (load average {before})")
        result["batch_s"] = office.convert(batch, lo_dir / "batch")
        result["batch_n"] = len(batch)
        result["batch_load"] = f"{before}–{load_average()}"
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
        result["reason"] = f"soffice failed: {exc}"
        log(f"[libreoffice] {result['reason']}")
        return result
    sample = lo_dir / "single-1" / f"{singles[1].stem}.pdf"
    text = PdfReader(str(sample)).pages[0].extract_text() or ""
    result["text_ok"] = rows[1]["name"] in text  # singles[1] is docs[1]
    result["pdf_fonts"] = pdf_fonts(sample)
    result["pdf_kb"] = sample.stat().st_size / 1024
    result["pages"] = len(PdfReader(str(sample)).pages)
    if keep:
        shutil.copy(singles[1], keep / "mailmerge-sample.docx")
        shutil.copy(sample, keep / "mailmerge-sample.pdf")
    result["measured"] = True
    return result


# ---------------------------------------------------------------------------------------- report


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def markdown(r: dict, args: argparse.Namespace) -> str:
    s, b, one, lo = r["single"], r["batch"], r["batch_one"], r["lo"]
    lines = [
        f"Demo street: {r['residents']:,} residents (`initialise(..., seed={args.seed}, residents="
        f"{args.residents})`, {r['init_s']:.1f} s); {r['aged80']:,} aged 80 or over on {r['today']}. "
        f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs.",
        "",
        f"### One certificate (居住证明 {SINGLE_CODE}; {s['issue']['n']} residents, each its own committed "
        "transaction; ms)",
        "",
        "| what is timed | n | p50 | p90 | p99 | max | target (median ≤ 80 ms) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    rows = [
        ("`issue_certificate()` (values, serial, signature, PDF, register insert)", s["issue"], True),
        ("the transaction: `find_resident()` + `issue_certificate()` + COMMIT", s["txn"], False),
        ("`render_certificate()` alone (the PDF only)", s["render"], False),
    ]
    for label, t, target in rows:
        mark = verdict(t["p50"] <= SINGLE_TARGET_MS) if target else ""
        lines.append(
            f"| {label} | {t['n']} | {t['p50']:.1f} | {t['p90']:.1f} | {t['p99']:.1f} | {t['max']:.1f} | {mark} |"
        )
    lines += [
        "",
        f"First issue in the process (loads the fonts, makes the key pair): `issue_certificate()` "
        f"{s['first_issue_ms']:.0f} ms, its transaction {s['first_txn_ms']:.0f} ms; the first "
        f"`render_certificate()` after it {s['first_render_ms']:.0f} ms. {WARMUP} more warm-up issues "
        f"are not counted. Re-rendering gave a byte-identical PDF {s['identical']} of {s['issue']['n']} "
        f"times. Median PDF {s['pdf_kb']:.0f} KB. Load average {s['load']}.",
        "",
        "### Batch (`issue_batch()`, one call, one transaction, committed)",
        "",
        "| template | documents | `issue_batch()` (s) | per document (ms) | COMMIT (s) | PDF (MB) | pages "
        "| KB a page | target (1,000 ≤ 10 s, ≤ 15 KB a page) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for x in (one, b, r["batch_lo"]):
        page_kb = x["pdf_mb"] * 1e6 / 1024 / x["pages"]
        ok = x["batch_s"] <= BATCH_TARGET_S * x["n"] / 1000 and page_kb <= PAGE_TARGET_KB
        mark = verdict(ok) if x is one else "—"
        lines.append(
            f"| {x['code']} | {x['n']:,} | {x['batch_s']:.1f} | {x['per_doc_ms']:.1f} | {x['commit_s']:.2f} | "
            f"{x['pdf_mb']:.1f} | {x['pages']:,} | {page_kb:.1f} | {mark} |"
        )
    lines += [
        "",
        f"The target applies to the one-page {SINGLE_CODE} batch of {one['n']:,} random living residents (load "
        f"average {one['load']}). {BATCH_CODE}, a form of two pages: {r['batch_aged80']:,} of the {b['n']:,} "
        f"residents aged 80 or over (load average {b['load']}). Peak RSS of the process after the batches "
        f"{r['peak_rss_mb']:.0f} MB; the small {SINGLE_CODE} batch for LibreOffice's residents: load "
        f"{r['batch_lo']['load']}.",
        "",
        "### LibreOffice headless: Word mail merge → PDF (居住证明)",
        "",
    ]
    if not lo["measured"]:
        lines += [
            "| what is timed | figure |",
            "|---|---|",
            f"| one document, cold start | not measured ({lo.get('reason', '?')}) |",
            f"| {args.lo_batch} documents in one invocation | not measured |",
        ]
        return "\n".join(lines) + "\n"
    runs = sorted(lo["single_runs"])
    lo_single_ms = statistics.median(runs) * 1000
    lo_batch_ms = lo["batch_s"] * 1000 / lo["batch_n"]
    lo_steady_ms = (lo["batch_s"] * 1000 - lo_single_ms) / (lo["batch_n"] - 1)
    lines += [
        "| what is timed | figure |",
        "|---|---|",
        f"| first run ever (new user profile, font cache) | {lo['first_s']:.2f} s |",
        f"| one document, one `soffice` process each (median of {len(runs)}) | **{lo_single_ms / 1000:.2f} s** "
        f"(min {runs[0]:.2f}, max {runs[-1]:.2f}) |",
        f"| {lo['batch_n']} documents in one `soffice` invocation | {lo['batch_s']:.1f} s = "
        f"**{lo_batch_ms:.0f} ms per document** |",
        f"| the same, less one start-up: (batch − one-document median) ÷ {lo['batch_n'] - 1} "
        f"| {lo_steady_ms:.0f} ms per document |",
        f"| the mail merge itself (text replacement, one .docx written) | {lo['merge_ms']:.2f} ms per document |",
        "",
        f"{lo['version']}, {lo['install']}. Template {lo['template_how']}; .docx {lo['docx_kb']:.1f} KB, "
        f"PDF {lo['pdf_kb']:.0f} KB, {lo['pages']} page(s), fonts {', '.join(lo['pdf_fonts'])}; "
        f"the holder's name extracts from the PDF: {'yes' if lo['text_ok'] else 'NO'}. Load average "
        f"{lo['single_load']} (single runs), {lo['batch_load']} (batch).",
        "",
        "### Ratio (LibreOffice time ÷ yichuang time, per document)",
        "",
        "| comparison | yichuang | LibreOffice | ratio |",
        "|---|---:|---:|---:|",
        f"| one 居住证明: `issue_certificate()` median vs one `soffice` run median | {s['issue']['p50']:.1f} ms "
        f"| {lo_single_ms:.0f} ms | {lo_single_ms / s['issue']['p50']:.0f}× |",
        f"| one 居住证明: `render_certificate()` alone vs one `soffice` run | {s['render']['p50']:.1f} ms "
        f"| {lo_single_ms:.0f} ms | {lo_single_ms / s['render']['p50']:.0f}× |",
        f"| {lo['batch_n']} 居住证明 (same residents): `issue_batch()` vs one `soffice` invocation "
        f"| {r['batch_lo']['per_doc_ms']:.1f} ms | {lo_batch_ms:.0f} ms | "
        f"{lo_batch_ms / r['batch_lo']['per_doc_ms']:.1f}× |",
        f"| batch: {one['n']:,} 居住证明 vs {lo['batch_n']} in one `soffice` invocation | {one['per_doc_ms']:.1f} ms "
        f"| {lo_batch_ms:.0f} ms | {lo_batch_ms / one['per_doc_ms']:.1f}× |",
        f"| **steady state**: {lo['batch_n']} 居住证明, `issue_batch()` vs LibreOffice less one start-up "
        f"| {r['batch_lo']['per_doc_ms']:.1f} ms | {lo_steady_ms:.0f} ms | "
        f"**{lo_steady_ms / r['batch_lo']['per_doc_ms']:.2f}×** |",
        f"| **steady state**: {one['n']:,} 居住证明 in one `issue_batch()` vs LibreOffice less one start-up "
        f"| {one['per_doc_ms']:.1f} ms | {lo_steady_ms:.0f} ms | **{lo_steady_ms / one['per_doc_ms']:.2f}×** "
        f"(target ≥ {STEADY_RATIO_TARGET}×: {verdict(lo_steady_ms / one['per_doc_ms'] >= STEADY_RATIO_TARGET)}) |",
        f"| steady state: {b['n']:,} {BATCH_CODE} forms (two pages each) vs the same | {b['per_doc_ms']:.1f} ms "
        f"| {lo_steady_ms:.0f} ms | {lo_steady_ms / b['per_doc_ms']:.2f}× |",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--residents", type=int, default=30_000, help="demo size (default 30000: 1,750 aged 80+)"
    )
    parser.add_argument("--single", type=int, default=200, help="timed single certificates (default 200)")
    parser.add_argument(
        "--batch", type=int, default=1000, help=f"{BATCH_CODE} forms in the batch (default 1000)"
    )
    parser.add_argument(
        "--lo-runs", type=int, default=5, help="cold single-document soffice runs (default 5)"
    )
    parser.add_argument(
        "--lo-batch", type=int, default=100, help="documents in one soffice call (default 100)"
    )
    parser.add_argument("--no-install", action="store_true", help="do not apt-get install LibreOffice")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the database, sample PDFs and .docx files here")
    parser.add_argument("--markdown-out", type=Path, help="also write the tables to this file")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="yichuang-bench-cert-"))
    keep = args.keep
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
    os.environ["YICHUANG_KEYS_DIR"] = str(workdir / "keys")  # a throw-away signing key
    today = dt.date.today()
    log(
        f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs; work in {workdir}"
    )
    r: dict = {"today": today.isoformat()}
    try:
        db_path = (keep or workdir) / "certificates.sqlite"
        for p in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
            p.unlink(missing_ok=True)
        db = open_database(f"sqlite:///{db_path}")
        log(f"[setup] demo street with {args.residents:,} residents")
        start = time.perf_counter()
        initialise(db, with_demo=True, seed=args.seed, residents=args.residents)
        r["init_s"] = time.perf_counter() - start
        with db.sessions() as session:
            ids = list(session.execute(select(Resident.id, Resident.id_number).order_by(Resident.id)))
            aged80 = [p.id for p in matching_residents(session, ResidentFilter(min_age=80), today=today)]
        r["residents"], r["aged80"] = len(ids), len(aged80)
        rng = random.Random(args.seed)
        need = 1 + WARMUP + args.single + args.lo_runs + 1 + args.lo_batch
        picked = [id_number for _, id_number in rng.sample(ids, need)]
        single_ids, lo_ids = picked[: 1 + WARMUP + args.single], picked[1 + WARMUP + args.single :]

        r["single"] = bench_single(db, single_ids, today, keep)

        batch_people = aged80[: args.batch]
        r["batch_aged80"] = len(batch_people)
        if len(batch_people) < args.batch:  # too few aged 80+: any other residents
            chosen = set(batch_people)
            others = [rid for rid, _ in ids if rid not in chosen]
            batch_people += rng.sample(others, args.batch - len(batch_people))
        with db.sessions() as session:
            living = [p.id for p in matching_residents(session, ResidentFilter(), today=today)]
        one = bench_batch(
            db, SINGLE_CODE, rng.sample(living, args.batch), SINGLE_VALUES, today, "batch-one-page"
        )
        b = bench_batch(db, BATCH_CODE, batch_people, BATCH_VALUES, today, "batch")
        if keep:
            (keep / f"batch-{SINGLE_CODE}.pdf").write_bytes(one["pdf"])
            (keep / f"batch-{BATCH_CODE}.pdf").write_bytes(b["pdf"])
        del b["pdf"], one["pdf"]
        r["batch"], r["batch_one"] = b, one
        by_number = {id_number: rid for rid, id_number in ids}
        lo_people = [by_number[n] for n in lo_ids[args.lo_runs + 1 :]]
        b2 = bench_batch(db, SINGLE_CODE, lo_people, SINGLE_VALUES, today, "batch-jzzm")
        del b2["pdf"]
        r["batch_lo"] = b2
        r["peak_rss_mb"] = peak_rss_mb()

        r["lo"] = bench_libreoffice(args, db, workdir, lo_ids, today, keep)
        db.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    table = markdown(r, args)
    print(table)
    if args.markdown_out:
        args.markdown_out.write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
