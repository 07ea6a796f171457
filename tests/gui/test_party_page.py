"""The 党建 tab: last month's missing meeting is flagged, and a resident is added as a member by
typing their ID number as a card reader does."""

from __future__ import annotations

import io

import pypdf
from PIL import Image
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.models import Building, Grid, Household, PartyMember, Resident
from tests.gui.fakes import FilePrinterPreview
from tests.gui.test_intake_flow import desk  # noqa: F401  (the signed-in front desk)
from tests.unit.spreadsheets import write_xlsx


def test_add_a_member_from_a_lookup(qtbot, desk, demo_db):  # noqa: F811
    with demo_db.sessions() as session:
        resident, code = session.execute(
            select(Resident, Grid.code)
            .join(Household, Resident.household_id == Household.id)
            .join(Building, Household.building_id == Building.id)
            .join(Grid, Building.grid_id == Grid.id)
            .where(
                Resident.id.not_in(
                    select(PartyMember.resident_id).where(PartyMember.resident_id.is_not(None))
                ),
                Resident.state == "living",
            )
            .limit(1)
        ).one()
    desk.tabs.setCurrentWidget(desk.party)
    page = desk.party
    assert page.model.rowCount() > 0
    assert page.warning.text().startswith("上月")
    qtbot.keyClicks(page.id_field, resident.id_number)
    qtbot.keyClick(page.id_field, Qt.Key.Key_Return)
    qtbot.keyClicks(page.grid_field, code)
    qtbot.keyClick(page.grid_field, Qt.Key.Key_Return)
    assert page.message.text().startswith(f"已登记：{resident.name}")
    names = [page.model.rows[i].name for i in range(page.model.rowCount())]
    assert resident.name in names
    shown = [page.model.data(page.model.index(i, 1)) for i in range(page.model.rowCount())]
    assert resident.id_number not in shown


def _sub_page(desk, title: str):  # noqa: F811
    tabs = desk.party.sub_pages
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == title)
    tabs.setCurrentIndex(index)
    return tabs.widget(index)


def test_a_theme_day_with_card_check_in_and_its_minutes_printed(qtbot, desk, demo_db, tmp_path):  # noqa: F811
    desk.tabs.setCurrentWidget(desk.party)
    page = _sub_page(desk, "组织生活")
    assert page.branch.count() > 0
    branch_id = page.branch.currentData()
    with demo_db.sessions() as session:
        member = session.scalars(
            select(PartyMember).where(
                PartyMember.branch_id == branch_id, PartyMember.resident_id.is_not(None)
            )
        ).first()
        number = session.get(Resident, member.resident_id).id_number
        others = session.scalars(
            select(PartyMember).where(PartyMember.branch_id == branch_id, PartyMember.id != member.id)
        ).all()
    page.new_kind.setCurrentIndex(page.new_kind.findData("theme_day"))
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog.isVisible() and dialog.kind.currentText() == "主题党日"
    dialog.topic.clear()
    dialog.topic.insert("重温入党誓词")
    dialog.place.insert("社区党群服务中心会议室")
    dialog.host.insert("王书记")
    dialog.recorder.insert("李委员")
    dialog.minutes.insertPlainText("集体重温入党誓词，交流学习体会。")  # typed through the input method
    dialog.decisions.insertPlainText("每名党员联系两户独居老人。")  # typed through the input method
    qtbot.keyClicks(dialog.card_field, number)  # a card reader types the number and Enter
    qtbot.keyClick(dialog.card_field, Qt.Key.Key_Return)
    assert dialog.message.text() == f"{member.name}已签到"
    assert dialog.counts.text().startswith(f"应到{len(others) + 1}人，实到1人")
    dialog.roll.setCurrentRow(
        next(i for i in range(dialog.roll.count()) if "未签到" in dialog.roll.item(i).text())
    )
    dialog.absent("外出务工")
    assert "缺席1人" in dialog.counts.text()
    picture = tmp_path / "合影.png"
    Image.new("RGB", (320, 240), (190, 50, 40)).save(picture)
    dialog.add_photo(str(picture))
    assert [dialog.photos.item(i).text() for i in range(dialog.photos.count())] == ["合影.png"]
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "会议记录已生成"
    pdf = FilePrinterPreview.shown[-1].pdf
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "重温入党誓词" in text and member.name in text and "外出务工" in text and number not in text
    dialog.close()
    assert any(r.topic == "重温入党誓词" and r.present == 1 for r in page.model.rows)


def test_a_report_in_service_recorded(qtbot, desk, demo_db):  # noqa: F811
    desk.tabs.setCurrentWidget(desk.party)
    page = _sub_page(desk, "双报到")
    assert page.model.rowCount() > 0
    page.table.selectRow(0)
    member = page.model.rows[0]
    page.post.setCurrentText("助老")
    page.content.insert("陪独居老人复诊")
    page.confirmed_by.insert("刘网格长")
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    assert page.message.text() == f"已记录{member.name}的服务：助老 2小时"
    qtbot.mouseClick(page.sheet_button, Qt.MouseButton.LeftButton)
    assert page.message.text().endswith("报到服务记实已生成")


def test_a_member_made_full_and_a_building_group_added(qtbot, desk, demo_db):  # noqa: F811
    desk.tabs.setCurrentWidget(desk.party)
    page = desk.party
    page.table.selectRow(0)
    member = page.model.rows[0]
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    dialog.phone.clear()
    qtbot.keyClicks(dialog.phone, "13912345678")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    with demo_db.sessions() as session:
        assert session.get(PartyMember, member.id).phone == "13912345678"
    org = _sub_page(desk, "组织架构")
    assert org.tree.topLevelItemCount() > 0
    branch = org.tree.topLevelItem(0).child(0)
    org.tree.setCurrentItem(branch)
    org.name_field.insert("3号楼党小组")
    org.leader_field.insert("张组长")
    qtbot.mouseClick(org.add_button, Qt.MouseButton.LeftButton)
    assert org.message.text() == "已新增楼栋党小组：3号楼党小组"
    org.leader_field.insert("张组长")
    qtbot.mouseClick(org.leader_button, Qt.MouseButton.LeftButton)
    assert org.message.text() == "3号楼党小组的负责人已设为张组长"


def test_a_roster_checked_then_imported_at_the_desk(qtbot, desk, demo_db, tmp_path):  # noqa: F811
    with demo_db.sessions() as session:
        resident = session.scalars(
            select(Resident).where(
                Resident.id.not_in(
                    select(PartyMember.resident_id).where(PartyMember.resident_id.is_not(None))
                )
            )
        ).first()
        name, number = resident.name, resident.id_number
    sheet = write_xlsx(
        tmp_path / "花名册.xlsx",
        [
            ["姓名", "身份证号", "入党日期", "党员类别", "所在支部"],
            [name, number, "2015-07-01", "正式党员", ""],
            ["某某", number[:17] + ("1" if number[17] != "1" else "2"), "", "正式党员", ""],
        ],
    )
    desk.tabs.setCurrentWidget(desk.party)
    page = desk.party
    before = page.model.rowCount()
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    dialog.path.setText(str(sheet))
    dialog.branch.setCurrentIndex(1)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "可导入1人，拒绝1行"
    assert "校验码" in dialog.table.item(1, 3).text()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "已导入1人，拒绝1行" and not dialog.import_button.isEnabled()
    dialog.accept()
    assert page.model.rowCount() == before + 1
