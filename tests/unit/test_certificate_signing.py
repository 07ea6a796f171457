"""Certificate keys, the signed QR payload, offline verification and the register (台账)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from app.models import AuditEntry, Certificate, CertificateTemplate, Resident
from app.services.certificates import keys, register, signing
from app.services.certificates.register import CertificateError
from app.services.common.idcard import mask

DAY = dt.date(2026, 11, 23)
CODE = "T-JZZM"


@pytest.fixture(autouse=True)
def keys_folder(tmp_path, monkeypatch):
    folder = tmp_path / "keys"
    monkeypatch.setenv(keys.KEYS_DIR_ENV, str(folder))
    return folder


def _template(session) -> CertificateTemplate:
    template = session.get(CertificateTemplate, CODE)
    if template is None:
        template = CertificateTemplate(
            code=CODE, title="居住证明", serial_prefix="JZ", definition={}, version=3
        )
        session.add(template)
        session.flush()
    return template


def _residents(session, n=2) -> list[Resident]:
    return list(session.scalars(select(Resident).order_by(Resident.id).limit(n)))


def _issue(session, resident, *, channel="desk", day=DAY):
    template = _template(session)
    pair = keys.ensure_keypair()
    serial = register.next_serial(session, template.serial_prefix, day.year)
    payload, code = signing.sign_payload(pair, serial, template.code, day, resident.id_number)
    entry = register.record_issue(
        session,
        template=template,
        serial=serial,
        resident=resident,
        fields={"purpose": "办理入学"},
        issue_date=day,
        actor="qiantai",
        channel=channel,
        key_id=pair.key_id,
        qr_payload=payload,
        pdf_sha256=hashlib.sha256(b"%PDF").hexdigest(),
    )
    return entry, payload, code


# --- keys ------------------------------------------------------------------------------------


def test_key_pair_is_made_once_private_to_its_owner_and_reused(keys_folder):
    first = keys.ensure_keypair()
    private = keys_folder / keys.PRIVATE_FILE
    if os.name == "posix":
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
        assert stat.S_IMODE(keys_folder.stat().st_mode) == 0o700
    assert (keys_folder / keys.PUBLIC_FILE).read_text() == first.public_pem
    assert re.fullmatch(r"[0-9a-f]{16}", first.key_id)
    keys._cache.clear()
    again = keys.ensure_keypair()
    assert again.key_id == first.key_id and again.public_pem == first.public_pem
    assert again.key_id == keys.key_id_of(first.private_key.public_key())
    assert sorted(p.name for p in keys_folder.iterdir()) == [keys.PRIVATE_FILE, keys.PUBLIC_FILE]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_key_file_readable_by_others_is_restricted(keys_folder):
    keys.ensure_keypair()
    private = keys_folder / keys.PRIVATE_FILE
    private.chmod(0o644)
    os.utime(private, ns=(1, 1))  # a different stat: not served from the cache
    keys.ensure_keypair()
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_public_key_export_and_own_key_trusted(db, tmp_path):
    out = tmp_path / "centre.pub.pem"
    key_id = keys.export_public_key(out)
    assert out.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    with db.sessions.begin() as session:
        assert keys.ensure_trusted_own_key(session) == key_id
        assert keys.ensure_trusted_own_key(session) == key_id
        assert list(keys.trusted_keys(session)) == [key_id]


def test_import_rejects_garbage_and_needs_an_owner(db):
    other = keys.KeyPair.from_private_key(Ed25519PrivateKey.generate())
    with db.sessions.begin() as session:
        with pytest.raises(keys.KeyFileError, match="PEM"):
            keys.import_trusted_key(session, "not a key", "某社区")
        with pytest.raises(keys.KeyFileError, match="所属"):
            keys.import_trusted_key(session, other.public_pem, " ")
        assert keys.import_trusted_key(session, other.public_pem, "杏花社区党群服务中心") == other.key_id


# --- payload ---------------------------------------------------------------------------------


def test_payload_is_compact_ascii_without_the_id_number(demo_db):
    pair = keys.KeyPair.from_private_key(Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
    with demo_db.sessions() as session:
        people = _residents(session, 20)
    for n, person in enumerate(people):
        serial = register.format_serial("JZ", 2026, n + 1)
        payload, code = signing.sign_payload(pair, serial, CODE, DAY, person.id_number)
        assert payload.isascii() and payload.isprintable() and " " not in payload
        assert len(payload) < 180
        assert person.id_number not in payload and person.id_number[:-1] not in payload
        assert not re.search(r"\d{15}", payload)
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code)
        parsed = signing.parse_payload(payload)
        assert (parsed.serial, parsed.template_code, parsed.issue_date, parsed.key_id) == (
            serial,
            CODE,
            DAY,
            pair.key_id,
        )
        assert parsed.holder_hash == signing.holder_hash(serial, person.id_number)
        assert parsed.verification_code == code
    # the same person on two certificates: the holder hashes cannot be matched with each other
    assert signing.holder_hash("JZ202600001", people[0].id_number) != signing.holder_hash(
        "JZ202600002", people[0].id_number
    )


def test_sign_then_verify_is_valid(demo_db):
    with demo_db.sessions.begin() as session:
        entry, payload, _ = _issue(session, _residents(session)[0])
        name = entry.holder_name
    with demo_db.sessions() as session:
        result = signing.verify(session, payload)
    assert result.valid and result.reason == "签名有效"
    assert (result.serial, result.template_code, result.issue_date) == (entry.serial, CODE, DAY)
    assert result.holder_name_masked == name[0] + "*" * (len(name) - 1)
    assert result.status == "valid" and result.title == "居住证明" and result.issuer.endswith("党群服务中心")
    assert result.to_dict()["issue_date"] == "2026-11-23"


def test_every_single_character_change_is_refused_with_a_reason(demo_db):
    with demo_db.sessions.begin() as session:
        _, payload, _ = _issue(session, _residents(session)[0])
    with demo_db.sessions() as session:
        for i, original in enumerate(payload):
            for other in {"0", "A", "z", "-", ".", "1", "f", "全"} - {original}:
                changed = payload[:i] + other + payload[i + 1 :]
                result = signing.verify(session, changed)
                assert not result.valid, (i, other)
                assert result.reason, (i, other)
            for changed in (payload[:i] + payload[i + 1 :], payload[:i] + "A" + payload[i:]):
                assert not signing.verify(session, changed).valid, i
        assert signing.verify(session, payload).valid
        assert "被改动（签名不符）" in signing.verify(session, payload.replace(".2026", ".2025", 1)).reason


def test_another_centres_key_is_refused_until_imported(demo_db):
    other = keys.KeyPair.from_private_key(Ed25519PrivateKey.generate())
    with demo_db.sessions() as session:
        person = _residents(session)[0]
        payload, _ = signing.sign_payload(other, "JZ202600001", CODE, DAY, person.id_number)
        refused = signing.verify(session, payload)
        assert not refused.valid and "未登记的密钥" in refused.reason
    with demo_db.sessions.begin() as session:
        keys.import_trusted_key(session, other.public_pem, "杏花社区党群服务中心")
    with demo_db.sessions() as session:
        accepted = signing.verify(session, payload)
        assert accepted.valid and "登记簿中无此编号" in accepted.reason and "杏花社区" in accepted.reason
        assert accepted.status is None and accepted.holder_name_masked is None
        # the same serial in our own series is a different certificate
        _issue(session, person)
        assert signing.verify(session, payload).valid
        session.rollback()


def test_own_signature_without_a_register_entry_is_refused(demo_db):
    pair = keys.ensure_keypair()
    with demo_db.sessions.begin() as session:
        keys.ensure_trusted_own_key(session)
        payload, _ = signing.sign_payload(pair, "JZ202699999", CODE, DAY, _residents(session)[0].id_number)
    with demo_db.sessions() as session:
        result = signing.verify(session, payload)
    assert not result.valid and "登记簿中无此编号" in result.reason


def test_voided_certificate_is_refused_with_the_reason(demo_db):
    with demo_db.sessions.begin() as session:
        entry, payload, code = _issue(session, _residents(session)[0])
        serial = entry.serial
    with demo_db.sessions.begin() as session:
        register.void(session, serial, "信息填写错误，已重开", "zhangsan")
    with demo_db.sessions() as session:
        for text in (payload, serial, code):
            result = signing.verify(session, text)
            assert not result.valid and result.reason == "证明已作废：信息填写错误，已重开"
            assert result.status == "voided"


def test_holder_id_number_check(demo_db):
    with demo_db.sessions.begin() as session:
        holder, stranger = _residents(session)
        _, payload, _ = _issue(session, holder)
        right, wrong = holder.id_number, stranger.id_number
    with demo_db.sessions() as session:
        assert signing.verify(session, payload, id_number=right).valid
        assert signing.verify(session, payload, id_number=f"{right[:6]} {right[6:14]} {right[14:]}").valid
        result = signing.verify(session, payload, id_number=wrong)
        assert not result.valid and result.reason == "持证人身份证号与证明不符"


def test_lookup_by_serial_or_verification_code(demo_db):
    with demo_db.sessions.begin() as session:
        first, _, _ = _issue(session, _residents(session)[0])
        entry, payload, code = _issue(session, _residents(session)[1])
        serial = entry.serial
    assert code == signing.parse_payload(payload).verification_code
    with demo_db.sessions() as session:
        for text in (serial, serial.lower(), code, code.lower(), code.replace("-", ""), f" {code} "):
            result = signing.verify(session, text)
            assert result.valid and result.serial == serial and result.status == "valid", text
            assert "登记簿记录有效" in result.reason
        assert not signing.verify(session, "JZ209900001").valid
        assert "登记簿中无此编号" in signing.verify(session, "JZ209900001").reason
        assert "核验码" in signing.verify(session, "ZZZZ-ZZZZ").reason
        assert not signing.verify(session, "你好").valid
        assert not signing.verify(session, "").valid


# --- register --------------------------------------------------------------------------------


def test_serials_are_sequential_per_prefix_and_year_and_survive_rollback(demo_db):
    with demo_db.sessions.begin() as session:
        assert [register.next_serial(session, "JZ", 2026) for _ in range(3)] == [
            "JZ202600001",
            "JZ202600002",
            "JZ202600003",
        ]
        assert register.next_serial(session, "HJ", 2026) == "HJ202600001"
        assert register.next_serial(session, "JZ", 2027) == "JZ202700001"
    with demo_db.sessions() as session:  # taken but never committed: nothing was printed
        assert register.next_serial(session, "JZ", 2026) == "JZ202600004"
        session.rollback()
    with demo_db.sessions.begin() as session:
        assert register.next_serial(session, "JZ", 2026) == "JZ202600004"
    with demo_db.sessions.begin() as session:
        assert register.next_serial(session, "JZ", 2026) == "JZ202600005"
    with demo_db.sessions() as session, pytest.raises(CertificateError, match="前缀"):
        register.next_serial(session, "居住", 2026)


def test_a_batch_takes_its_serials_in_one_step_and_they_follow_on(demo_db):
    with demo_db.sessions.begin() as session:
        assert register.next_serials(session, "PL", 2026, 3) == ["PL202600001", "PL202600002", "PL202600003"]
        assert register.next_serial(session, "PL", 2026) == "PL202600004"
        assert register.next_serials(session, "PL", 2026, 2) == ["PL202600005", "PL202600006"]
        assert register.next_serials(session, "PL", 2026, 0) == []
    with demo_db.sessions() as session:  # a batch rolled back gives its numbers back
        register.next_serials(session, "PL", 2026, 50)
        session.rollback()
    with demo_db.sessions.begin() as session:
        assert register.next_serial(session, "PL", 2026) == "PL202600007"


def _audit(session, action):
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_issue_reprint_and_void_are_registered_and_audited(demo_db):
    with demo_db.sessions.begin() as session:
        person = _residents(session)[0]
        entry, payload, _ = _issue(session, person)
        serial, id_number = entry.serial, person.id_number
    with demo_db.sessions.begin() as session:
        entry = register.find(session, serial)
        assert entry.holder_hash == signing.holder_hash(serial, id_number)
        assert (
            entry.origin_community and entry.template_version == 3 and entry.fields == {"purpose": "办理入学"}
        )
        (issued,) = _audit(session, "print")
        assert (
            issued.purpose == "开具居住证明"
            and issued.actor == "qiantai"
            and issued.subject == mask(id_number)
        )
        assert id_number not in issued.detail
        again = register.record_reprint(session, serial, "lisi")
        assert (again.reprints, again.version, again.qr_payload) == (1, 2, payload)
        (reprinted,) = _audit(session, "reprint")
        assert reprinted.actor == "lisi" and reprinted.resident_id == entry.resident_id
    with demo_db.sessions.begin() as session:
        with pytest.raises(CertificateError, match="原因"):
            register.void(session, serial, "  ", "lisi")
        voided = register.void(session, serial, "持证人申请作废", "lisi")
        assert (voided.status, voided.voided_by, voided.version) == ("voided", "lisi", 3)
        assert voided.voided_at is not None
    with demo_db.sessions() as session:
        (void_entry,) = _audit(session, "void")
        assert "持证人申请作废" in void_entry.purpose
        with pytest.raises(CertificateError, match="已于此前作废"):
            register.void(session, serial, "again", "lisi")
        with pytest.raises(CertificateError, match="不能补打"):
            register.record_reprint(session, serial, "lisi")
        with pytest.raises(CertificateError, match="无编号"):
            register.record_reprint(session, "JZ209900001", "lisi")


def test_record_issue_refuses_a_payload_for_another_certificate(demo_db):
    with demo_db.sessions() as session:
        template, (holder, stranger) = _template(session), _residents(session)
        pair = keys.ensure_keypair()
        serial = register.next_serial(session, "JZ", 2026)
        payload, _ = signing.sign_payload(pair, serial, CODE, DAY, stranger.id_number)
        with pytest.raises(CertificateError, match="不一致"):
            register.record_issue(
                session,
                template=template,
                serial=serial,
                resident=holder,
                fields={},
                issue_date=DAY,
                actor="q",
                channel="desk",
                key_id=pair.key_id,
                qr_payload=payload,
                pdf_sha256="0" * 64,
            )


def test_register_rows_filter_and_show_masked_holders(demo_db):
    with demo_db.sessions.begin() as session:
        a, b = _residents(session)
        first, _, _ = _issue(session, a)
        second, _, _ = _issue(session, b, channel="batch", day=DAY + dt.timedelta(days=1))
        register.void(session, first.serial, "重开", "q")
        serials, a_id, b_name = (first.serial, second.serial), a.id_number, b.name
    with demo_db.sessions() as session:
        rows = register.register_rows(session)
        assert [r.serial for r in rows] == [serials[1], serials[0]]
        assert rows[1].holder_id_masked == mask(a_id) and rows[1].status == "voided"
        assert rows[0].title == "居住证明" and rows[0].channel == "batch"
        assert [r.serial for r in register.register_rows(session, status="voided")] == [serials[0]]
        assert [r.serial for r in register.register_rows(session, date_from=DAY + dt.timedelta(days=1))] == [
            serials[1]
        ]
        assert [r.serial for r in register.register_rows(session, date_to=DAY)] == [serials[0]]
        assert [r.serial for r in register.register_rows(session, text=a_id)] == [serials[0]]
        assert serials[1] in [r.serial for r in register.register_rows(session, text=b_name)]
        assert [r.serial for r in register.register_rows(session, text=serials[1].lower())] == [serials[1]]
        assert register.register_rows(session, template_code="NONE") == []
        assert len(register.register_rows(session, limit=1)) == 1
        assert session.scalar(select(Certificate).where(Certificate.serial == serials[0])).status == "voided"
