"""The certificate commands of DESIGN.md: templates, issue, verify; and reprint, void, register,
batch and key exchange."""

from __future__ import annotations

import io
import json

from pypdf import PdfReader
from sqlalchemy import select

from app.cli import main
from app.models import Household


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, [json.loads(x) for x in out.splitlines() if x.strip()], err


def _holder(demo_db):
    with demo_db.sessions() as session:
        return session.scalars(select(Household).where(Household.members.any()).limit(1)).one().members[0]


def _issue(capsys, demo_db, tmp_path, person):
    return run(
        capsys,
        "--db",
        demo_db.url,
        "certificate",
        "issue",
        "--template",
        "JZZM",
        "--id",
        person.id_number,
        "--field",
        "purpose=办理居住证",
        "--field",
        "since=2012-05-01",
        "--out",
        str(tmp_path / "c.pdf"),
        "--user",
        "qiantai",
    )


def test_templates_lists_the_ten(capsys, demo_db):
    code, rows, _ = run(capsys, "--db", demo_db.url, "templates")
    assert code == 0 and {r["code"] for r in rows} >= {
        "JZZM",
        "TFCY",
        "DYJS",
        "SBD",
        "GLJT",
        "DBSQ",
        "LSJZ",
        "CJBT",
        "JJYL",
        "JYKN",
    }
    assert all(r["title"] and r["fields"] for r in rows)


def test_issue_then_verify_and_a_changed_character_is_refused(capsys, demo_db, tmp_path):
    person = _holder(demo_db)
    code, rows, _ = _issue(capsys, demo_db, tmp_path, person)
    assert code == 0
    issued = rows[0]
    assert issued["serial"].startswith("TYJZ") and issued["qr"].startswith("YC1.")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO((tmp_path / "c.pdf").read_bytes())).pages)
    assert issued["serial"] in text and person.name in text and issued["verification_code"] in text
    code, rows, _ = run(capsys, "--db", demo_db.url, "certificate", "verify", issued["qr"])
    assert code == 0 and rows[0]["valid"] is True
    changed = issued["qr"].replace(".JZZM.", ".JZZN.")
    code, rows, _ = run(capsys, "--db", demo_db.url, "certificate", "verify", changed)
    assert code == 1 and rows[0]["valid"] is False and rows[0]["reason"]
    code, rows, _ = run(capsys, "--db", demo_db.url, "certificate", "verify", issued["verification_code"])
    assert code == 0 and rows[0]["serial"] == issued["serial"]
    code, rows, _ = run(
        capsys, "--db", demo_db.url, "certificate", "verify", issued["qr"], "--id", "11010519491231002X"
    )
    assert code == 1 and "不符" in rows[0]["reason"]


def test_missing_required_field_is_one_sentence(capsys, demo_db, tmp_path):
    person = _holder(demo_db)
    code, _, err = run(
        capsys,
        "--db",
        demo_db.url,
        "certificate",
        "issue",
        "--template",
        "JZZM",
        "--id",
        person.id_number,
        "--out",
        str(tmp_path / "x.pdf"),
    )
    assert code == 1 and "purpose" in err and err.count("\n") == 1 and not (tmp_path / "x.pdf").exists()


def test_reprint_void_and_register(capsys, demo_db, tmp_path):
    person = _holder(demo_db)
    _, rows, _ = _issue(capsys, demo_db, tmp_path, person)
    serial = rows[0]["serial"]
    code, _, _ = run(
        capsys, "--db", demo_db.url, "certificate", "reprint", serial, "--out", str(tmp_path / "r.pdf")
    )
    assert code == 0 and (tmp_path / "r.pdf").read_bytes() == (tmp_path / "c.pdf").read_bytes()
    code, rows, _ = run(capsys, "--db", demo_db.url, "certificate", "void", serial, "--reason", "信息有误")
    assert code == 0 and rows[0]["status"] == "voided"
    code, rows, _ = run(capsys, "--db", demo_db.url, "certificate", "register", "--search", person.id_number)
    assert rows[0]["serial"] == serial and rows[0]["reprints"] == 1 and rows[0]["status"] == "voided"
    code, rows, _ = run(capsys, "--db", demo_db.url, "certificate", "verify", serial)
    assert code == 1 and "作废" in rows[0]["reason"]


def test_batch_for_everyone_aged_80_or_over(capsys, demo_db, tmp_path):
    code, rows, _ = run(
        capsys,
        "--db",
        demo_db.url,
        "certificate",
        "batch",
        "--template",
        "GLJT",
        "--min-age",
        "80",
        "--out",
        str(tmp_path / "batch.pdf"),
    )
    assert code == 0 and rows[0]["issued"] >= 1
    pages = PdfReader(str(tmp_path / "batch.pdf")).pages
    assert len(pages) >= rows[0]["issued"]


def test_a_key_from_another_centre_is_trusted_only_after_import(capsys, demo_db, tmp_path, monkeypatch):
    person = _holder(demo_db)
    monkeypatch.setenv("YICHUANG_KEYS_DIR", str(tmp_path / "other-centre"))
    other = tmp_path / "other.db"
    import shutil

    shutil.copy(demo_db.url[len("sqlite:///") :], other)
    _, rows, _ = run(
        capsys,
        "--db",
        str(other),
        "certificate",
        "issue",
        "--template",
        "JZZM",
        "--id",
        person.id_number,
        "--field",
        "purpose=开户",
        "--field",
        "since=2012-05-01",
        "--out",
        str(tmp_path / "o.pdf"),
    )
    foreign = rows[0]["qr"]
    run(capsys, "certificate", "export-key", "--out", str(tmp_path / "other.pem"))
    monkeypatch.setenv("YICHUANG_KEYS_DIR", str(tmp_path / "keys"))
    code, rows, _ = run(capsys, "--db", demo_db.url, "certificate", "verify", foreign)
    assert code == 1 and "未登记的密钥" in rows[0]["reason"]
    code, _, _ = run(
        capsys,
        "--db",
        demo_db.url,
        "certificate",
        "trust-key",
        str(tmp_path / "other.pem"),
        "--owner",
        "新华社区党群服务中心",
    )
    assert code == 0
    code, rows, _ = run(capsys, "--db", demo_db.url, "certificate", "verify", foreign)
    assert code == 0 and rows[0]["valid"] is True


def test_a_large_batch_with_workers_registers_every_certificate_and_reprints_alike(demo_db):
    import datetime as dt
    import hashlib

    from app.models import Certificate, Resident
    from app.printing.certificates.renderer import PARALLEL_FROM, PdfCertificateRenderer
    from app.services.certificates.issue import issue_batch, reprint_certificate

    renderer = PdfCertificateRenderer(workers=2)

    with demo_db.sessions() as session:
        living = select(Resident).where(Resident.state == "living")  # the demo has some who left or died
        people = list(session.scalars(living.order_by(Resident.id).limit(PARALLEL_FROM + 5)))
        seen = []
        serials, pdf = issue_batch(
            session,
            renderer,
            template_code="JZZM",
            residents=people,
            actor="t",
            staff_values={"purpose": "批量核对", "since": "2015-01-01"},
            today=dt.date(2026, 11, 23),
            progress=lambda d, t: seen.append((d, t)),
        )
        session.commit()
        assert len(serials) == len(people) == len(set(serials)) and seen[-1] == (len(people), len(people))
        assert len(PdfReader(io.BytesIO(pdf)).pages) == len(people)
        entry = session.scalars(select(Certificate).where(Certificate.serial == serials[-1])).one()
        first = reprint_certificate(session, renderer, serials[-1], actor="t")  # its own PDF, drawn now
        again = reprint_certificate(session, renderer, serials[-1], actor="t")
        assert (
            hashlib.sha256(again.pdf).hexdigest() == entry.pdf_sha256 == hashlib.sha256(first.pdf).hexdigest()
        )
