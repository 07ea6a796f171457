"""The self-service kiosk's use cases (app/services/kiosk/service.py), its slips and its commands."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re

import pypdf
import pytest
from sqlalchemy import func, select

from app.cli import main
from app.models import (
    Appointment,
    AuditEntry,
    Case,
    CentreSetting,
    Certificate,
    GridStaff,
    Resident,
    ServiceItem,
)
from app.models.staff import GRID_LEADER
from app.printing.certificates.renderer import PDF_RENDERER
from app.printing.documents.kiosk_slips import render_appointment_slip, render_request_slip
from app.services.cases import intake, workflow
from app.services.cases.search import CaseFilter, find_cases
from app.services.common.idcard import check_digit
from app.services.kiosk import booking
from app.services.kiosk import service as kiosk
from app.services.kiosk.service import KioskError

MONDAY = dt.date(2026, 11, 23)  # the demo street's "today"
TUESDAY = MONDAY + dt.timedelta(days=1)
ID_RUN = re.compile(r"\d{17}[\dXx]")


def _people(session, count: int = 2) -> list[Resident]:
    stmt = select(Resident).where(Resident.household_id.is_not(None)).order_by(Resident.id).limit(count)
    return list(session.scalars(stmt))


def _unknown_number(session) -> str:
    base = _people(session, 1)[0].id_number
    for sequence in range(100, 999):
        first17 = base[:14] + f"{sequence:03d}"
        number = first17 + check_digit(first17)
        if session.scalar(select(Resident.id).where(Resident.id_number == number)) is None:
            return number
    raise AssertionError("no free number")


def _kiosk_audit(session) -> list[AuditEntry]:
    return list(
        session.scalars(select(AuditEntry).where(AuditEntry.actor == "kiosk").order_by(AuditEntry.id))
    )


def _no_number_in(entries: list[AuditEntry], number: str) -> None:
    for entry in entries:
        for text in (entry.subject, entry.purpose, entry.detail):
            assert number not in text and number[-8:] not in text


# ------------------------------------------------------------------------------ identify, masking


def test_identify_a_resident_gives_masked_details_and_an_audit_entry_without_the_number(demo_db):
    with demo_db.sessions.begin() as session:
        person = _people(session, 1)[0]
        found = kiosk.identify(session, person.id_number.lower())
        number, name, phone = person.id_number, person.name, person.phone
    assert found is not None and found.resident_id == person.id and found.has_record
    assert found.masked_name == kiosk.masked_name(name) and "*" in found.masked_name
    assert found.grid_name and not hasattr(found, "id_hash")  # the screen needs no hash
    assert found.phone_masked == (phone[:3] + "****" + phone[-4:] if phone else "")
    with demo_db.sessions() as session:
        entries = _kiosk_audit(session)
        assert [(e.action, e.subject, e.resident_id) for e in entries] == [
            ("kiosk_identify", kiosk.id_hash(number)[:16], person.id)
        ]
        _no_number_in(entries, number)


def test_identify_a_valid_number_without_record_is_none_and_an_invalid_one_is_refused(demo_db):
    with demo_db.sessions.begin() as session:
        number = _unknown_number(session)
        assert kiosk.identify(session, number) is None
        with pytest.raises(KioskError) as err:
            kiosk.identify(session, number[:-1] + ("0" if number[-1] != "0" else "1"))
        assert not re.search(r"\d{6}", str(err.value))
    with demo_db.sessions() as session:
        entries = _kiosk_audit(session)
        assert [(e.action, e.subject, e.resident_id) for e in entries] == [
            ("kiosk_identify", kiosk.id_hash(number)[:16], None)
        ]
        _no_number_in(entries, number)


def test_masked_names_keep_only_the_surname():
    assert kiosk.masked_name("张三") == "张*"
    assert kiosk.masked_name("欧阳娜娜") == "欧阳**"
    assert kiosk.masked_name("李") == "李"
    assert kiosk.masked_name("张三丰") == "张**"
    assert kiosk.masked_name("司马光") == "司马*"
    assert kiosk.masked_name("阿依古丽·买买提") == "阿***·***"
    assert kiosk.masked_name("") == ""


def test_id_hash_is_keyed_with_the_installation_secret_kept_beside_the_signing_key(tmp_path, monkeypatch):
    import hashlib
    import hmac
    import os
    import stat

    from app.services.certificates.keys import ensure_keypair

    number = "11010519491231002X"
    hashed = kiosk.id_hash(number)
    secret_file = tmp_path / "keys" / "audit_secret.key"  # YICHUANG_KEYS_DIR of every test
    secret = bytes.fromhex(secret_file.read_text().strip())
    assert len(secret) == 32 and hashed == hmac.new(secret, number.encode(), hashlib.sha256).hexdigest()
    assert hashed != hashlib.sha256(number.encode()).hexdigest()  # what region and birth year reverse
    assert kiosk.id_hash(" 11010519491231002x ") == hashed and kiosk.id_hash(number) == hashed
    ensure_keypair()
    assert sorted(p.name for p in secret_file.parent.iterdir()) == [
        "audit_secret.key",
        "signing_key.pem",
        "signing_key.pub.pem",
    ]
    if os.name == "posix":
        assert (
            stat.S_IMODE(secret_file.stat().st_mode)
            == stat.S_IMODE((secret_file.parent / "signing_key.pem").stat().st_mode)
            == 0o600
        )
    monkeypatch.setenv("YICHUANG_KEYS_DIR", str(tmp_path / "elsewhere"))  # another installation
    assert kiosk.id_hash(number) != hashed


def test_a_damaged_audit_secret_is_refused_not_replaced(tmp_path):
    from app.services.certificates.keys import KeyFileError

    kiosk.id_hash("11010519491231002X")
    secret_file = tmp_path / "keys" / "audit_secret.key"
    secret_file.write_text("not hex\n")
    with pytest.raises(KeyFileError, match="审计密钥"):
        kiosk.id_hash("11010519491231002X")
    assert secret_file.read_text() == "not hex\n"


# ------------------------------------------------------------------------------ settings and PIN


def test_settings_round_trip_validate_and_survive_a_bad_stored_value(demo_db):
    with demo_db.sessions.begin() as session:
        assert kiosk.load_settings(session) == kiosk.KioskSettings()
        custom = dataclasses.replace(
            kiosk.KioskSettings(), idle_seconds=30, slots=("08:30-09:00",), slot_capacity=2
        )
        kiosk.save_settings(session, custom)
    with demo_db.sessions.begin() as session:
        assert kiosk.load_settings(session) == custom
        with pytest.raises(KioskError, match="预约时段"):
            kiosk.save_settings(session, dataclasses.replace(custom, slots=("10:00-09:00",)))
        session.get(CentreSetting, "kiosk.settings").value = {"idle_seconds": "soon", "slots": "x"}
    with demo_db.sessions() as session:
        assert kiosk.load_settings(session).idle_seconds == 60


def test_admin_pin_refuses_everything_until_set_and_is_stored_hashed(demo_db):
    with demo_db.sessions.begin() as session:
        assert not kiosk.check_admin_pin(session, "")
        assert not kiosk.check_admin_pin(session, "1234")
        for bad in ("12", "abcd", "123456789", "12 34"):
            with pytest.raises(KioskError, match="4到8位数字"):
                kiosk.set_admin_pin(session, bad)
        kiosk.set_admin_pin(session, "2468")
    with demo_db.sessions() as session:
        stored = session.get(CentreSetting, "kiosk.settings").value
        assert stored["admin_pin_hash"].startswith("$argon2") and "2468" not in json.dumps(stored)
        assert kiosk.check_admin_pin(session, "2468")
        assert not kiosk.check_admin_pin(session, "2469")
        assert not kiosk.check_admin_pin(session, "")


# ------------------------------------------------------------------------------ certificates


def test_only_self_service_templates_of_self_service_items_are_offered(demo_db):
    with demo_db.sessions.begin() as session:
        # 居住证明 needs 起始居住时间 from staff: it stays at the window instead of failing at the kiosk
        assert kiosk.self_service_templates(session) == [("TFCY", "同户家庭成员证明")]
        session.scalars(select(ServiceItem).where(ServiceItem.code == "ZM-002")).one().self_service = False
        assert kiosk.self_service_templates(session) == []
        person = _people(session, 1)[0]
        for code in ("TFCY", "GLJT"):
            with pytest.raises(KioskError, match="窗口"):
                kiosk.print_certificate(session, PDF_RENDERER, person.id, code, today=MONDAY)


def test_the_daily_print_limit_holds_and_a_failed_print_does_not_count(demo_db):
    with demo_db.sessions.begin() as session:
        kiosk.save_settings(session, dataclasses.replace(kiosk.KioskSettings(), daily_print_limit=2))
        person_id = _people(session, 1)[0].id
    with demo_db.sessions() as session:  # the printer failed: the screen rolls back
        kiosk.print_certificate(session, PDF_RENDERER, person_id, "TFCY", today=MONDAY)
        session.rollback()
        assert kiosk.prints_left_today(session, person_id, MONDAY) == 2
    serials = []
    for _ in range(2):
        with demo_db.sessions.begin() as session:
            issued = kiosk.print_certificate(session, PDF_RENDERER, person_id, "TFCY", today=MONDAY)
            assert issued.pdf.startswith(b"%PDF") and issued.title == "同户家庭成员证明"
            serials.append(issued.serial)
    with demo_db.sessions() as session:
        assert kiosk.prints_left_today(session, person_id, MONDAY) == 0
        with pytest.raises(KioskError, match="今天已打印2份，已达上限"):
            kiosk.print_certificate(session, PDF_RENDERER, person_id, "TFCY", today=MONDAY)
        assert kiosk.prints_left_today(session, person_id, TUESDAY) == 2
        rows = list(session.scalars(select(Certificate).order_by(Certificate.id)))
        assert [r.serial for r in rows] == serials
        assert {(r.channel, r.issued_by, r.resident_id) for r in rows} == {("kiosk", "kiosk", person_id)}
        assert rows[0].fields["purpose"] == "自助打印"
        prints = [e for e in _kiosk_audit(session) if e.action == "kiosk_print"]
        assert len(prints) == 2 and all(s in e.detail for e, s in zip(prints, serials, strict=True))


def test_a_required_staff_field_without_default_sends_the_resident_to_the_window(demo_db):
    with demo_db.sessions() as session:
        person_id = _people(session, 1)[0].id
        with pytest.raises(KioskError, match="请到窗口办理"):
            kiosk.print_certificate(session, PDF_RENDERER, person_id, "JZZM", today=MONDAY)  # 起始居住时间
        assert session.scalar(select(Certificate.id)) is None


# ------------------------------------------------------------------------------ cases and requests


def _accept(session, person, code="LL-001"):
    return intake.accept(
        session,
        item_code=code,
        resident=person,
        actor="qiantai",
        materials_received=list(intake.find_item(session, code).materials),
        today=MONDAY,
    )


def test_my_cases_show_only_own_cases_with_plain_next_steps(demo_db):
    with demo_db.sessions.begin() as session:
        person, other = _people(session, 2)
        accepted = _accept(session, person)
        waiting = intake.request_materials(
            session,
            item_code="LL-001",
            resident=person,
            materials_received=[],
            missing=["户口簿"],
            actor="qiantai",
            today=MONDAY,
        )
        escalated = _accept(session, person)
        workflow.apply(session, escalated, "dispatch", actor="qiantai", to="后台")
        workflow.apply(session, escalated, "escalate", actor="qiantai", note="需要街道协调", to="街道")
        done = _accept(session, person)
        workflow.apply(session, done, "dispatch", actor="qiantai", to="后台")
        workflow.apply(session, done, "complete", actor="houtai", note="已办好")
        _accept(session, other)
        numbers = {c.case_no: k for c, k in [(accepted, "a"), (waiting, "w"), (escalated, "e"), (done, "d")]}
    with demo_db.sessions() as session:
        cases = kiosk.my_cases(session, person.id, today=MONDAY)
    assert {c.case_no for c in cases} == set(numbers)
    steps = {numbers[c.case_no]: (c.next_step, c.can_rate) for c in cases}
    assert steps["a"] == ("正在办理", False)
    assert steps["w"][0].startswith("等待补齐材料") and "户口簿" in steps["w"][0]
    assert steps["e"] == ("已上报街道，等待反馈", False)
    assert steps["d"][0].startswith("已办结，请到窗口领取") and steps["d"][1]
    with demo_db.sessions() as session:
        late = kiosk.my_cases(session, person.id, today=MONDAY + dt.timedelta(days=60))
    assert any("已超过承诺日期" in c.next_step for c in late)


def test_a_request_is_a_kiosk_case_routed_to_the_residents_grid(demo_db):
    with demo_db.sessions.begin() as session:
        person = _people(session, 1)[0]
        case_no = kiosk.submit_request(
            session,
            person.id,
            category="设施报修",
            text="3单元楼道灯不亮",
            phone="138-1234-5678",
            today=MONDAY,
        )
        grid_id = person.household.building.grid_id
        leader = session.scalar(
            select(GridStaff.name).where(GridStaff.grid_id == grid_id, GridStaff.role == GRID_LEADER)
        )
    with demo_db.sessions() as session:
        case = session.scalars(select(Case).where(Case.case_no == case_no)).one()
        assert (case.channel, case.status, case.item_name) == ("kiosk", "accepted", "群众诉求（设施报修）")
        assert case.grid_id == grid_id and case.owner == (leader or "") and case.owner
        assert case.applicant_id_number == person.id_number and case.applicant_phone == "13812345678"
        assert case.due_date == dt.date(2026, 11, 30)  # five working days
        assert kiosk.request_due(session, MONDAY) == case.due_date  # the day the slip prints
        assert [e.action for e in case.events] == ["kiosk_request"]
        assert [r.case_no for r in find_cases(session, CaseFilter(channel="kiosk"), today=MONDAY)] == [
            case_no
        ]
        entry = next(e for e in _kiosk_audit(session) if e.action == "kiosk_request")
        assert entry.subject == kiosk.id_hash(person.id_number)[:16] and entry.detail == case_no


def test_a_person_without_record_can_still_file_a_request(demo_db):
    with demo_db.sessions.begin() as session:
        number = _unknown_number(session)
        assert kiosk.identify(session, number) is None
        case_no = kiosk.submit_request(
            session,
            None,
            category="意见建议",
            text="希望增加周末开放时间",
            phone="13912345678",
            id_text=number,
            today=MONDAY,
        )
    with demo_db.sessions() as session:
        case = session.scalars(select(Case).where(Case.case_no == case_no)).one()
        assert (case.applicant_name, case.applicant_id_number, case.resident_id) == ("未登记居民", "", None)
        assert case.grid_id is None and case.channel == "kiosk"
        assert "id_hash" not in case.events[0].data  # the event data syncs: no hash leaves the desk
        assert number not in json.dumps(case.events[0].data) + case.content + case.address
        entry = next(e for e in _kiosk_audit(session) if e.action == "kiosk_request")
        assert entry.subject == kiosk.id_hash(number)[:16] and entry.detail == case_no  # kept here
        _no_number_in(_kiosk_audit(session), number)


def test_requests_are_checked_in_plain_words(demo_db):
    with demo_db.sessions() as session:
        person_id = _people(session, 1)[0].id
        cases = [
            ({"category": "不存在", "text": "", "phone": "13812345678"}, "类别"),
            ({"category": "其他", "text": "字" * 301, "phone": "13812345678"}, "最多300个字"),
            ({"category": "其他", "text": "", "phone": "12345"}, "手机号码"),
            ({"category": "其他", "text": "", "phone": ""}, "手机号码"),
        ]
        for kwargs, message in cases:
            with pytest.raises(KioskError, match=message):
                kiosk.submit_request(session, person_id, **kwargs)
        case_no = kiosk.submit_request(
            session,
            person_id,
            category="其他",
            text="我的号码 110105194912310021",
            phone="+86 139 1234 5678",
            today=MONDAY,
        )
        case = session.scalars(select(Case).where(Case.case_no == case_no)).one()
        assert not ID_RUN.search(case.content) and case.applicant_phone == "13912345678"


def test_rating_only_own_finished_cases_and_unsatisfied_reopens(demo_db):
    with demo_db.sessions.begin() as session:
        person, other = _people(session, 2)
        cases = []
        for _ in range(2):
            case = _accept(session, person)
            workflow.apply(session, case, "dispatch", actor="qiantai", to="后台")
            workflow.apply(session, case, "complete", actor="houtai", note="已办好")
            cases.append(case.case_no)
        open_case = _accept(session, person).case_no
        others = _accept(session, other).case_no
    with demo_db.sessions.begin() as session:
        with pytest.raises(KioskError, match="没有找到"):
            kiosk.rate_case(session, person.id, others, "满意")
        with pytest.raises(KioskError, match="办结后"):
            kiosk.rate_case(session, person.id, open_case, "满意")
        with pytest.raises(KioskError, match="评价"):
            kiosk.rate_case(session, person.id, cases[0], "还行")
        kiosk.rate_case(session, person.id, cases[0], "非常满意")
        kiosk.rate_case(session, person.id, cases[1], "不满意")
    with demo_db.sessions() as session:
        first, second = (session.scalars(select(Case).where(Case.case_no == n)).one() for n in cases)
        assert (first.status, first.evaluation) == ("evaluated", "非常满意")
        assert second.status == "in_progress" and second.events[-1].action == "reopen"
        assert first.events[-1].actor == "kiosk"
        with pytest.raises(KioskError, match="已经评价"):
            kiosk.rate_case(session, person.id, cases[0], "满意")
        assert [e.action for e in _kiosk_audit(session)].count("kiosk_rate") == 2


# ------------------------------------------------------------------------------ appointments


def test_bookable_days_skip_weekends_and_holidays(demo_db):
    with demo_db.sessions() as session:
        days = kiosk.bookable_days(session, MONDAY)
    assert days[0] == TUESDAY and len(days) == 7
    assert all(d.weekday() < 5 for d in days) and MONDAY not in days
    assert dt.date(2026, 11, 28) not in days  # Saturday


def test_booking_respects_capacity_one_per_slot_and_cancel_rules(demo_db):
    with demo_db.sessions.begin() as session:
        kiosk.save_settings(session, dataclasses.replace(kiosk.KioskSettings(), slot_capacity=2))
        a, b, c = _people(session, 3)
    with demo_db.sessions.begin() as session:
        first = kiosk.book(session, a.id, day=TUESDAY, slot="09:00-09:30", item_code="ZM-001", today=MONDAY)
        assert (first.item_name, first.holder_name, first.status) == ("居住证明", a.name, "booked")
        assert first.holder_hash == kiosk.id_hash(a.id_number) and a.id_number not in first.holder_hash
        with pytest.raises(KioskError, match="重复预约"):
            kiosk.book(session, a.id, day=TUESDAY, slot="09:00-09:30", today=MONDAY)
        kiosk.book(session, b.id, day=TUESDAY, slot="09:00-09:30", phone="13712345678", today=MONDAY)
        with pytest.raises(KioskError, match="约满"):
            kiosk.book(session, c.id, day=TUESDAY, slot="09:00-09:30", today=MONDAY)
        with pytest.raises(KioskError, match="不能预约"):
            kiosk.book(session, c.id, day=MONDAY, slot="09:30-10:00", today=MONDAY)
        with pytest.raises(KioskError, match="时间段"):
            kiosk.book(session, c.id, day=TUESDAY, slot="12:00-12:30", today=MONDAY)
        later = kiosk.book(session, a.id, day=TUESDAY, slot="09:30-10:00", today=MONDAY)
        first_id, later_id = first.id, later.id
    with demo_db.sessions.begin() as session:
        slots = dict(kiosk.available_slots(session, TUESDAY))
        assert slots["09:00-09:30"] == 0 and slots["09:30-10:00"] == 1 and slots["14:30-15:00"] == 2
        assert [x.id for x in kiosk.my_appointments(session, a.id, MONDAY)] == [first_id, later_id]
        with pytest.raises(KioskError, match="没有找到"):
            kiosk.cancel_appointment(session, b.id, first_id)
        too_late = dt.datetime.combine(TUESDAY, dt.time(9, 40))
        with pytest.raises(KioskError, match="不能再取消"):
            kiosk.cancel_appointment(session, a.id, later_id, now=too_late)
        kiosk.cancel_appointment(session, a.id, first_id, now=dt.datetime.combine(MONDAY, dt.time(15)))
    with demo_db.sessions.begin() as session:
        assert [x.id for x in kiosk.my_appointments(session, a.id, MONDAY)] == [later_id]
        assert dict(kiosk.available_slots(session, TUESDAY))["09:00-09:30"] == 1
        kiosk.book(session, c.id, day=TUESDAY, slot="09:00-09:30", today=MONDAY)  # the freed place
        rows = kiosk.day_appointments(session, TUESDAY)
        assert [(r.slot, r.holder_name, r.status) for r in rows] == [
            ("09:00-09:30", b.name, "booked"),
            ("09:00-09:30", c.name, "booked"),
            ("09:00-09:30", a.name, "cancelled"),
            ("09:30-10:00", a.name, "booked"),
        ]
        assert rows[0].phone == "13712345678" and rows[0].as_json()["status_name"] == "已预约"
        actions = [e.action for e in _kiosk_audit(session)]
        assert actions.count("kiosk_book") == 4 and actions.count("kiosk_cancel") == 1


def test_a_booking_rolled_back_leaves_its_place_free(demo_db):
    with demo_db.sessions() as session:
        person = _people(session, 1)[0]
        kiosk.book(session, person.id, day=TUESDAY, slot="10:00-10:30", today=MONDAY)
        session.rollback()  # e.g. the slip could not be printed and the resident walked away
    with demo_db.sessions() as session:
        assert dict(kiosk.available_slots(session, TUESDAY))["10:00-10:30"] == 4
        assert session.scalar(select(Appointment.id)) is None


def test_a_past_appointment_cannot_be_cancelled(demo_db):
    with demo_db.sessions.begin() as session:
        person = _people(session, 1)[0]
        kept = kiosk.book(session, person.id, day=TUESDAY, slot="16:00-16:30", today=MONDAY)
        kept_id = kept.id
    with demo_db.sessions() as session:
        with pytest.raises(KioskError, match="不能再取消"):
            kiosk.cancel_appointment(
                session, person.id, kept_id, now=dt.datetime.combine(TUESDAY, dt.time(17))
            )
        assert kiosk.my_appointments(session, person.id, TUESDAY + dt.timedelta(days=1)) == []
        assert session.get(Appointment, kept_id).status == "booked"


# ------------------------------------------------------------------------------ slips and commands


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text() for page in reader.pages)


def test_slips_carry_the_number_and_the_masked_name_only():
    request = render_request_slip(
        "TY-20261123-0007",
        "环境卫生",
        "楼道堆物<b>，我 110105194912310021",
        "第1网格",
        dt.date(2026, 11, 30),
        "桃园社区党群服务中心",
        "0919-1234567",
    )
    text = _text(request)
    assert "TY-20261123-0007" in text and "环境卫生" in text and "<b>" in text and "第1网格" in text
    assert not ID_RUN.search(text.replace("\n", ""))
    page = pypdf.PdfReader(io.BytesIO(request)).pages[0]
    assert round(float(page.mediabox.width) / 72 * 25.4) == 80

    slip = render_appointment_slip(
        TUESDAY, "09:00-09:30", "居住证明", "欧阳**", "桃园社区党群服务中心", "0919-1234567"
    )
    text = _text(slip)
    assert "欧阳**" in text and "09:00-09:30" in text and "居住证明" in text and "星期二" in text
    assert not ID_RUN.search(text)
    with pytest.raises(ValueError):
        render_appointment_slip(TUESDAY, "09:00-09:30", "居住证明", "欧阳娜娜", "中心", "")


def test_request_slip_qr_decodes_to_the_case_number():
    pdfium = pytest.importorskip("pypdfium2")
    zxingcpp = pytest.importorskip("zxingcpp")
    pdf = render_request_slip("TY-20261123-0007", "其他", "", "", dt.date(2026, 11, 30), "中心", "")
    image = pdfium.PdfDocument(pdf)[0].render(scale=150 / 72).to_pil()
    assert [b.text for b in zxingcpp.read_barcodes(image)] == ["TY-20261123-0007"]


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, [json.loads(x) for x in out.splitlines() if x.strip()], err


def test_kiosk_pin_and_appointments_commands(capsys, demo_db, monkeypatch):
    monkeypatch.setenv("YICHUANG_KIOSK_PIN", "12")
    code, _, err = _run(capsys, "--db", demo_db.url, "kiosk-pin")
    assert code == 1 and "4到8位数字" in err
    monkeypatch.setenv("YICHUANG_KIOSK_PIN", "135790")
    code, rows, _ = _run(capsys, "--db", demo_db.url, "kiosk-pin")
    assert code == 0 and rows == [{"kiosk_pin": "set"}]
    with demo_db.sessions.begin() as session:
        assert kiosk.check_admin_pin(session, "135790")
        person = _people(session, 1)[0]
        kiosk.book(session, person.id, day=TUESDAY, slot="10:00-10:30", today=MONDAY)
    code, rows, _ = _run(capsys, "--db", demo_db.url, "appointments", "--day", TUESDAY.isoformat())
    assert code == 0 and [(r["slot"], r["holder_name"], r["status"]) for r in rows] == [
        ("10:00-10:30", person.name, "booked")
    ]
    with pytest.raises(SystemExit):
        _run(capsys, "--db", demo_db.url, "appointments", "--day", "tomorrow")
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_the_appointments_migration_goes_down_and_up(tmp_path):
    from alembic import command

    from app.db import SCHEMA_HEAD, alembic_config, create_db_engine, current_revision, upgrade

    engine = create_db_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    command.downgrade(alembic_config(engine), "0005")
    assert current_revision(engine) == "0005"
    command.upgrade(alembic_config(engine), "head")
    assert current_revision(engine) == SCHEMA_HEAD
    engine.dispose()


def test_the_screenshot_demo_changes_nothing_that_stays(demo_db):
    from app.services.kiosk.demo import prepare_demo_resident, rolled_back

    with rolled_back(demo_db) as scratch:
        with scratch.sessions.begin() as session:
            number = prepare_demo_resident(session, MONDAY)
        with scratch.sessions() as session:
            person = session.scalars(select(Resident).where(Resident.id_number == number)).one()
            assert person.household_id is not None
            cases = kiosk.my_cases(session, person.id, MONDAY)
            assert sorted(c.status_name for c in cases) == sorted(["已受理", "已办结"]), cases
            assert len(kiosk.my_appointments(session, person.id, MONDAY)) == 1
    with demo_db.sessions() as session:
        assert session.scalars(select(Case)).all() == []
        assert session.scalars(select(Appointment)).all() == []


# ------------------------------------------------------------------------------ a typed number


def test_a_typed_number_is_answered_alike_whoever_has_it_and_the_audit_knows_who(demo_db):
    with demo_db.sessions.begin() as session:
        person = _people(session, 1)[0]
        stranger = _unknown_number(session)
        answers = [kiosk.identify_typed(session, n.lower()) for n in (person.id_number, stranger)]
        with pytest.raises(KioskError):
            kiosk.identify_typed(session, stranger[:-1] + ("0" if stranger[-1] != "0" else "1"))
    assert answers == [person.id_number, stranger]  # the number itself, nothing about its owner
    with demo_db.sessions() as session:
        entries = _kiosk_audit(session)
        assert [(e.action, e.subject, e.resident_id, e.detail) for e in entries] == [
            ("kiosk_identify", kiosk.id_hash(person.id_number)[:16], person.id, "手动输入号码"),
            ("kiosk_identify", kiosk.id_hash(stranger)[:16], None, "手动输入号码；人口库无记录"),
        ]


def test_a_typed_number_books_for_its_owner_or_for_nobody_and_a_second_booking_is_the_first(demo_db):
    with demo_db.sessions.begin() as session:
        person = _people(session, 1)[0]
        stranger = _unknown_number(session)
        own = kiosk.book_by_number(session, person.id_number, day=TUESDAY, slot="09:00-09:30", today=MONDAY)
        again = kiosk.book_by_number(session, person.id_number, day=TUESDAY, slot="09:00-09:30", today=MONDAY)
        walk_in = kiosk.book_by_number(session, stranger, day=TUESDAY, slot="09:00-09:30", today=MONDAY)
        twice = kiosk.book_by_number(session, stranger, day=TUESDAY, slot="09:00-09:30", today=MONDAY)
        with pytest.raises(KioskError, match="重复预约"):  # by card the person is told
            kiosk.book(session, person.id, day=TUESDAY, slot="09:00-09:30", today=MONDAY)
        rows = [(a.resident_id, a.holder_name, a.holder_hash, a.phone) for a in (own, walk_in)]
        assert (again.id, twice.id) == (own.id, walk_in.id)
    assert rows == [
        (person.id, person.name, kiosk.id_hash(person.id_number), person.phone or ""),
        (None, "未登记居民", kiosk.id_hash(stranger), ""),
    ]
    with demo_db.sessions() as session:
        assert session.scalar(select(func.count(Appointment.id))) == 2
        assert (
            kiosk.available_slots(session, TUESDAY)[0].left == kiosk.load_settings(session).slot_capacity - 2
        )


def test_a_request_by_a_typed_number_goes_to_its_owner_and_says_it_was_typed(demo_db):
    with demo_db.sessions.begin() as session:
        person = _people(session, 1)[0]
        case_no = kiosk.submit_request(
            session, None, category="其他", text="", phone="13812345678", id_text=person.id_number, typed=True
        )
    with demo_db.sessions() as session:
        case = session.scalars(select(Case).where(Case.case_no == case_no)).one()
        assert case.resident_id == person.id and case.grid_id is not None  # routed to their grid
        assert case.events[0].data["identified_by"] == "typed_number" and "id_hash" not in case.events[0].data


def test_one_number_holds_at_most_three_open_bookings_typed_or_by_card(demo_db):
    """A number typed on the keypad could otherwise fill every window time of the week."""
    with demo_db.sessions.begin() as session:
        person = _people(session, 1)[0]
        stranger = _unknown_number(session)
        slots = kiosk.load_settings(session).slots
        for slot in slots[: booking.OPEN_BOOKINGS_LIMIT]:
            kiosk.book_by_number(session, stranger, day=TUESDAY, slot=slot, today=MONDAY)
        with pytest.raises(KioskError, match="已有3个未到期的预约"):
            kiosk.book_by_number(session, stranger, day=TUESDAY, slot=slots[3], today=MONDAY)
        for slot in slots[: booking.OPEN_BOOKINGS_LIMIT]:
            kiosk.book(session, person.id, day=TUESDAY, slot=slot, today=MONDAY)
        with pytest.raises(KioskError, match="已有3个未到期的预约"):
            kiosk.book(session, person.id, day=TUESDAY, slot=slots[3], today=MONDAY)
    # A day later, Tuesday's bookings are still open and still count.
    with demo_db.sessions.begin() as session, pytest.raises(KioskError, match="未到期的预约"):
        kiosk.book_by_number(
            session, stranger, day=TUESDAY + dt.timedelta(days=1), slot=slots[0], today=TUESDAY
        )
