"""事项管理: adding, editing, disabling and re-enabling service items; what a change does to cases
already recorded, to the window and the kiosk, and to a reload of the shipped catalogue."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import select

from app.cli import main
from app.models import AuditEntry, Case, Resident, ServiceItem
from app.services.cases import intake
from app.services.cases.catalogue import CatalogueIndex
from app.services.cases.catalogue_admin import (
    CatalogueEditError,
    ItemDraft,
    add_item,
    catalogue_row,
    catalogue_rows,
    edit_item,
    set_item_active,
)
from app.services.cases.detail import case_detail
from app.services.kiosk.certificates import self_service_templates
from app.services.setup.initialise import initialise
from app.services.setup.reference_data import load_catalogue
from tests.conftest import DEMO_TODAY


def _resident(session) -> Resident:
    return session.scalars(select(Resident).where(Resident.household_id.is_not(None)).limit(1)).one()


def _audit(session, action: str) -> list[AuditEntry]:
    return list(
        session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
    )


def _accept(session, code: str) -> Case:
    return intake.accept(
        session,
        item_code=code,
        resident=_resident(session),
        actor="qiantai",
        materials_received=list(intake.find_item(session, code).materials),
        today=DEMO_TODAY,
    )


def test_an_edit_is_saved_with_new_pinyin_and_audited_with_before_and_after(db):
    with db.sessions.begin() as session:
        draft = catalogue_row(session, "ZM-001").draft
        changed = dataclasses.replace(
            draft, name="居住情况证明", promised_days=2, materials=("户口簿", *reversed(draft.materials))
        )
        row = edit_item(session, "zm-001", changed, actor="admin")
    assert row.draft.promised_days == 2 and row.draft.materials[0] == "户口簿" and row.edited_locally
    with db.sessions() as session:
        item = session.scalars(select(ServiceItem).where(ServiceItem.code == "ZM-001")).one()
        assert item.pinyin_initials == "jzqkzm"
        assert CatalogueIndex.load(session).search("jzqk")[0].code == "ZM-001"
        (entry,) = _audit(session, "catalogue_edit")
    detail = json.loads(entry.detail)
    assert (entry.actor, entry.subject) == ("admin", "ZM-001")
    assert detail["before"]["promised_days"] == 0 and detail["after"]["promised_days"] == 2
    assert detail["before"]["name"] == "居住证明" and detail["after"]["name"] == "居住情况证明"
    assert set(detail["after"]) == {"name", "promised_days", "materials"}  # only what changed


def test_saving_an_unchanged_item_writes_nothing(db):
    with db.sessions.begin() as session:
        edit_item(session, "ZM-001", catalogue_row(session, "ZM-001").draft, actor="admin")
        assert _audit(session, "catalogue_edit") == []
        assert not catalogue_row(session, "ZM-001").edited_locally


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "  "}, "请填写事项名称"),
        ({"category_code": "NOPE"}, "类别“NOPE”不存在"),
        ({"promised_days": -1}, "0到365个工作日"),
        ({"promised_days": 400}, "0到365个工作日"),
        ({"materials": ("身份证", " 身份证 ")}, "材料“身份证”重复"),
        ({"template_code": "NOSUCH"}, "证明模板“NOSUCH”不存在或已停用"),
    ],
)
def test_bad_input_is_refused_with_a_sentence_and_nothing_changes(db, change, message):
    with db.sessions() as session:
        draft = dataclasses.replace(catalogue_row(session, "ZM-001").draft, **change)
        with pytest.raises(CatalogueEditError, match=message):
            edit_item(session, "ZM-001", draft, actor="admin")
        session.rollback()
        assert catalogue_row(session, "ZM-001").draft.name == "居住证明"


def test_a_template_that_was_retired_cannot_be_linked(db):
    from app.models import CertificateTemplate

    with db.sessions.begin() as session:
        session.get(CertificateTemplate, "TFCY").active = False
    with db.sessions() as session, pytest.raises(CatalogueEditError, match="TFCY"):
        draft = dataclasses.replace(catalogue_row(session, "ZM-001").draft, template_code="tfcy")
        edit_item(session, "ZM-001", draft, actor="admin")


def test_a_new_item_is_offered_and_its_code_cannot_be_taken_twice(db):
    draft = ItemDraft(name="临时身份证明", category_code="ZM", materials=("户口簿",), promised_days=1)
    with db.sessions.begin() as session:
        row = add_item(session, "zm-150", draft, actor="admin")
    assert row.code == "ZM-150" and row.active
    with db.sessions() as session:
        assert CatalogueIndex.load(session).search("lssfzm")[0].code == "ZM-150"
        assert json.loads(_audit(session, "catalogue_add")[0].detail)["after"]["name"] == "临时身份证明"
        for code, message in (("ZM-150", "已被使用"), ("ZM 1", "字母、数字或连字符"), ("", "字母")):
            with pytest.raises(CatalogueEditError, match=message):
                add_item(session, code, draft, actor="admin")


def test_a_disabled_item_is_not_offered_but_its_cases_still_show_it(demo_db):
    with demo_db.sessions.begin() as session:
        case_no = _accept(session, "ZM-001").case_no
        set_item_active(session, "ZM-001", False, actor="admin")
    with demo_db.sessions() as session:
        assert "ZM-001" not in [e.code for e in CatalogueIndex.load(session).entries]
        assert "JZZM" not in [t.code for t in self_service_templates(session)]  # the kiosk's choices
        with pytest.raises(intake.IntakeError, match="不存在或已停用"):
            intake.find_item(session, "ZM-001")
        detail = case_detail(session, case_no, DEMO_TODAY)
        assert detail.case.item_name == "居住证明" and detail.item_department == "社区综合服务窗口"
        assert "ZM-001" not in [r.code for r in catalogue_rows(session)]
        assert not [r for r in catalogue_rows(session, include_disabled=True) if r.code == "ZM-001"][0].active
        assert session.scalar(select(ServiceItem).where(ServiceItem.code == "ZM-001")) is not None
    with demo_db.sessions.begin() as session:
        set_item_active(session, "ZM-001", True, actor="admin")
    with demo_db.sessions() as session:
        assert "ZM-001" in [e.code for e in CatalogueIndex.load(session).entries]
        assert [e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.subject == "ZM-001"))][
            -2:
        ] == ["catalogue_disable", "catalogue_enable"]


def test_a_new_time_limit_applies_to_new_cases_only(demo_db):
    with demo_db.sessions.begin() as session:
        old = _accept(session, "LL-001")  # 15 working days
        waiting = intake.request_materials(
            session,
            item_code="LL-001",
            resident=_resident(session),
            materials_received=[],
            missing=["身份证"],
            actor="qiantai",
            today=DEMO_TODAY,
        )
        old_no, old_due, waiting_no = old.case_no, old.due_date, waiting.case_no
        draft = catalogue_row(session, "LL-001").draft
        edit_item(session, "LL-001", dataclasses.replace(draft, promised_days=3), actor="admin")
    with demo_db.sessions.begin() as session:
        new = _accept(session, "LL-001")
        waiting = session.scalars(select(Case).where(Case.case_no == waiting_no)).one()
        intake.materials_arrived(session, waiting, actor="qiantai", today=DEMO_TODAY)
        new_no = new.case_no
    with demo_db.sessions() as session:
        old = session.scalars(select(Case).where(Case.case_no == old_no)).one()
        new = session.scalars(select(Case).where(Case.case_no == new_no)).one()
        waiting = session.scalars(select(Case).where(Case.case_no == waiting_no)).one()
    assert (old.promised_days, old.due_date) == (15, old_due)
    assert waiting.promised_days == 15 and waiting.due_date == old_due  # accepted under the old promise
    assert new.promised_days == 3 and new.due_date < old_due


def test_reloading_the_shipped_catalogue_keeps_the_centres_edits(db):
    with db.sessions.begin() as session:
        draft = catalogue_row(session, "ZM-001").draft
        edit_item(
            session, "ZM-001", dataclasses.replace(draft, promised_days=5, materials=("户口簿",)), actor="a"
        )
        set_item_active(session, "ZM-002", False, actor="a")
        add_item(session, "ZM-150", ItemDraft(name="临时证明", category_code="ZM"), actor="a")
    initialise(db)  # init on an existing database
    with db.sessions.begin() as session:
        load_catalogue(session, replace=True)  # even a forced reload
    with db.sessions() as session:
        first, second = catalogue_row(session, "ZM-001"), catalogue_row(session, "ZM-002")
        assert (first.draft.promised_days, first.draft.materials) == (5, ("户口簿",))
        assert not second.active
        assert catalogue_row(session, "ZM-150").draft.name == "临时证明"
        assert catalogue_row(session, "SB-001").draft.name  # the rest are still the shipped ones


def _run(db, capsys, *argv: str) -> tuple[int, list[dict], str]:
    code = main(["--db", db.url, *argv])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.startswith("{")], err


def test_the_commands_add_edit_disable_and_enable(db, capsys):
    code, rows, _ = _run(
        db, capsys, "catalogue", "add", "zm-150", "--name", "临时证明", "--category", "ZM",
        "--material", "户口簿", "--material", "照片", "--days", "2", "--template", "JZZM", "--kiosk",
    )  # fmt: skip
    assert code == 0 and rows[0]["code"] == "ZM-150" and rows[0]["self_service"] is True
    code, rows, _ = _run(
        db, capsys, "catalogue", "edit", "ZM-150", "--remove-material", "照片", "--add-material", "申请表",
        "--days", "0", "--template", "", "--no-kiosk",
    )  # fmt: skip
    assert code == 0 and rows[0]["materials"] == ["户口簿", "申请表"] and rows[0]["promised_days"] == 0
    assert rows[0]["template_code"] is None and rows[0]["self_service"] is False
    assert _run(db, capsys, "catalogue", "disable", "ZM-150")[0] == 0
    assert "ZM-150" not in [r["code"] for r in _run(db, capsys, "catalogue")[1]]  # the listing as before
    listed = _run(db, capsys, "catalogue", "list", "--all", "--category", "ZM")[1]
    assert {r["code"]: r["active"] for r in listed}["ZM-150"] is False
    assert _run(db, capsys, "catalogue", "enable", "ZM-150", "--user", "admin")[0] != 0  # no such user here
    with db.sessions() as session:
        actions = [
            e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.subject == "ZM-150"))
        ]
    assert actions == ["catalogue_add", "catalogue_edit", "catalogue_disable"]


def test_the_commands_refuse_bad_input_and_accounts_that_are_not_administrators(demo_db, capsys):
    code, _, err = _run(demo_db, capsys, "catalogue", "edit", "ZM-001", "--days", "999")
    assert code != 0 and "0到365个工作日" in err
    code, _, err = _run(demo_db, capsys, "catalogue", "edit", "ZM-001", "--remove-material", "没有的材料")
    assert code != 0 and "没有材料“没有的材料”" in err
    for user in ("qiantai", "wangge"):
        code, _, err = _run(demo_db, capsys, "catalogue", "disable", "ZM-001", "--user", user)
        assert code != 0 and "不是系统管理员" in err
    assert _run(demo_db, capsys, "catalogue", "disable", "ZM-001", "--user", "admin")[0] == 0
    with demo_db.sessions() as session:
        assert [e.actor for e in _audit(session, "catalogue_disable")] == ["admin"]
