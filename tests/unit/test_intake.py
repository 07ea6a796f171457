"""Intake at the window: accept, one-time supplement notice, refusal; case numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.models import Case, Resident
from app.services.cases import intake
from app.services.cases.intake import Agent, IntakeError
from app.services.cases.numbers import next_case_no
from app.services.cases.workflow import WorkflowError, apply

MONDAY = dt.date(2026, 11, 23)


def _resident(session) -> Resident:
    return session.scalars(select(Resident).where(Resident.household_id.is_not(None)).limit(1)).one()


def _item_materials(session, code):
    return list(intake.find_item(session, code).materials)


def test_accept_creates_a_numbered_case_with_a_deadline_and_event(demo_db):
    with demo_db.sessions.begin() as session:
        person = _resident(session)
        case = intake.accept(
            session,
            item_code="LL-001",
            resident=person,
            actor="qiantai",
            materials_received=_item_materials(session, "LL-001"),
            today=MONDAY,
        )
        case_no = case.case_no
    with demo_db.sessions() as session:
        case = session.scalars(select(Case).where(Case.case_no == case_no)).one()
        assert case_no == "TY-20261123-0001"
        assert case.status == "accepted" and case.first_responder == "qiantai"
        assert case.applicant_name == person.name and case.grid_id is not None
        promised = case.promised_days
        assert case.due_date > MONDAY if promised else case.due_date == MONDAY
        assert [e.action for e in case.events] == ["accept"] and case.uuid and case.version == 1


def test_accept_with_a_material_missing_is_refused(demo_db):
    with demo_db.sessions() as session, pytest.raises(IntakeError, match="一次性告知"):
        intake.accept(
            session,
            item_code="LL-001",
            resident=_resident(session),
            actor="qiantai",
            materials_received=_item_materials(session, "LL-001")[:1],
            today=MONDAY,
        )


def test_supplement_notice_waits_then_accepts_when_materials_arrive(demo_db):
    with demo_db.sessions.begin() as session:
        materials = _item_materials(session, "LL-001")
        case = intake.request_materials(
            session,
            item_code="LL-001",
            resident=_resident(session),
            actor="qiantai",
            materials_received=materials[:1],
            missing=materials[1:],
            today=MONDAY,
        )
        assert case.status == "awaiting_materials" and case.due_date is None
        assert case.materials_missing == materials[1:]
        intake.materials_arrived(session, case, actor="qiantai", today=dt.date(2026, 9, 30))
        assert case.status == "accepted" and case.materials_missing == []
        assert sorted(case.materials_received) == sorted(materials)
        assert case.due_date > dt.date(2026, 10, 8)  # the National Day week does not count
        assert [e.action for e in case.events] == ["request_materials", "materials_complete"]


def test_supplement_without_missing_materials_is_refused(demo_db):
    with demo_db.sessions() as session, pytest.raises(IntakeError, match="缺少的材料"):
        intake.request_materials(
            session,
            item_code="LL-001",
            resident=_resident(session),
            actor="q",
            materials_received=[],
            missing=[" "],
        )


def test_refusal_needs_a_reason_and_records_it(demo_db):
    with demo_db.sessions.begin() as session:
        with pytest.raises(IntakeError, match="理由"):
            intake.refuse(session, item_code="LL-001", resident=_resident(session), reason="", actor="q")
        case = intake.refuse(
            session,
            item_code="LL-001",
            resident=_resident(session),
            actor="qiantai",
            reason="申请人未满80周岁，不符合高龄津贴条件",
            basis="《高龄津贴发放办法》",
        )
        assert case.status == "refused" and "80" in case.refusal_reason
        with pytest.raises(WorkflowError):
            apply(session, case, "dispatch", actor="q", to="x")


def test_agent_is_validated_and_recorded(demo_db):
    with demo_db.sessions() as session:
        person = _resident(session)
        materials = _item_materials(session, "ZM-001")
        with pytest.raises(IntakeError, match="代办人身份证号无效"):
            intake.accept(
                session,
                item_code="ZM-001",
                resident=person,
                actor="q",
                materials_received=materials,
                agent=Agent("李代办", "110105194912310021"),
            )
        with pytest.raises(IntakeError, match="本人"):
            intake.accept(
                session,
                item_code="ZM-001",
                resident=person,
                actor="q",
                materials_received=materials,
                agent=Agent("自己", person.id_number),
            )
        case = intake.accept(
            session,
            item_code="ZM-001",
            resident=person,
            actor="q",
            materials_received=materials,
            agent=Agent("李代办", "11010519491231002x", "13800000000"),
        )
        assert (case.agent_name, case.agent_id_number) == ("李代办", "11010519491231002X")


def test_unknown_item_is_refused(demo_db):
    with demo_db.sessions() as session, pytest.raises(IntakeError, match="不存在"):
        intake.accept(
            session, item_code="NOPE", resident=_resident(session), actor="q", materials_received=[]
        )


def test_case_numbers_count_per_community_and_day_and_survive_rollback(demo_db):
    day = dt.date(2026, 11, 23)
    with demo_db.sessions.begin() as session:
        assert [next_case_no(session, "TY", day) for _ in range(3)] == [
            "TY-20261123-0001",
            "TY-20261123-0002",
            "TY-20261123-0003",
        ]
        assert next_case_no(session, "XH", day) == "XH-20261123-0001"
        assert next_case_no(session, "TY", day + dt.timedelta(days=1)) == "TY-20261124-0001"
    with demo_db.sessions() as session:  # taken but never committed: nobody saw it
        assert next_case_no(session, "TY", day) == "TY-20261123-0004"
        session.rollback()
    with demo_db.sessions.begin() as session:
        assert next_case_no(session, "TY", day) == "TY-20261123-0004"


def test_one_use_case_records_each_outcome_and_commits_before_giving_the_number(demo_db):
    from app.models import AuditEntry
    from app.services.cases.accept import IntakeRequest, record_intake

    with demo_db.sessions() as session:
        number = _resident(session).id_number
    accepted = record_intake(demo_db.sessions, IntakeRequest(number, "LL-001", "qiantai"))
    waiting = record_intake(
        demo_db.sessions,
        IntakeRequest(
            number, "LL-001", "qiantai", outcome="supplement", materials_received=(), missing=("户口簿",)
        ),
    )
    refused = record_intake(
        demo_db.sessions,
        IntakeRequest(number, "LL-001", "qiantai", outcome="refuse", reason="不符合条件", audit_lookup=True),
    )
    with demo_db.sessions() as session:  # a new session: every returned number is on disk
        stored = {c.case_no: c.status for c in session.scalars(select(Case))}
        purposes = list(session.scalars(select(AuditEntry.purpose).where(AuditEntry.action == "lookup")))
    assert stored == {
        accepted.case_no: "accepted",
        waiting.case_no: "awaiting_materials",
        refused.case_no: "refused",
    }
    assert (accepted.status, waiting.status, refused.status) == ("accepted", "awaiting_materials", "refused")
    assert len(purposes) == 1 and purposes[0].startswith("受理 ")  # only the request that asked


def test_the_use_case_stores_nothing_when_it_refuses(demo_db):
    from app.services.cases.accept import INTAKE_ERRORS, IntakeRequest, record_intake
    from app.services.population.lookup import LookupFailed

    with demo_db.sessions() as session:
        number = _resident(session).id_number
    with pytest.raises(IntakeError, match="还缺"):
        record_intake(demo_db.sessions, IntakeRequest(number, "LL-001", "q", materials_received=()))
    with pytest.raises(LookupFailed):
        record_intake(demo_db.sessions, IntakeRequest("11010519491231002X", "LL-001", "q"))
    with pytest.raises(INTAKE_ERRORS):
        record_intake(demo_db.sessions, IntakeRequest(number, "NO-SUCH", "q"))
    with demo_db.sessions() as session:
        assert session.scalars(select(Case)).first() is None
