"""What a move-out or a death changes elsewhere: no certificate, batch, board count or kiosk
print for the person, while the lookup still finds them and says so; and the command line."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.models import AuditEntry, Building, Grid, Household, Resident, ResidentHistory
from app.printing.certificates.renderer import PDF_RENDERER
from app.services.admin.scope import WHOLE_STREET, scope_for
from app.services.certificates.issue import issue_certificate, issue_form
from app.services.certificates.register import CertificateError
from app.services.grids.boards import boards_data
from app.services.kiosk import service as kiosk
from app.services.kiosk.certificates import print_certificate
from app.services.kiosk.common import KioskError
from app.services.population.leaving import record_death, record_moved_away
from app.services.population.lookup import lookup
from app.services.population.selection import ResidentFilter, matching_residents
from tests.conftest import DEMO_TODAY

DAY = dt.date(2026, 3, 1)


def family(session) -> tuple[Resident, Resident]:
    """A household's head and another living member."""
    for household in session.scalars(select(Household).order_by(Household.id)):
        living = [m for m in household.members if m.living]
        if len(living) >= 3 and household.head is not None:
            return household.head, next(m for m in living if m is not household.head)
    raise AssertionError


def test_a_dead_person_gets_no_certificate_and_the_sentence_gives_the_date(demo_db):
    with demo_db.sessions.begin() as session:
        head, member = family(session)
        record_death(session, member.id_number, day=DAY, actor="x", scope=WHOLE_STREET)
        with pytest.raises(CertificateError, match="^该居民已于2026年3月1日死亡，不能开具证明$"):
            issue_form(session, "JZZM", member.id_number, DEMO_TODAY)
        with pytest.raises(CertificateError, match="该居民已于2026年3月1日死亡，不能开具证明"):
            issue_certificate(
                session,
                PDF_RENDERER,
                template_code="JZZM",
                resident=member,
                staff_values={"purpose": "x", "since": "2012-05-01"},
                actor="qiantai",
            )


def test_moved_away_is_refused_at_the_desk_and_at_the_kiosk(demo_db):
    with demo_db.sessions.begin() as session:
        _head, member = family(session)
        record_moved_away(
            session, member.id_number, day=DAY, destination="西安市", actor="x", scope=WHOLE_STREET
        )
        with pytest.raises(CertificateError, match="已于2026年3月1日迁出，不能开具证明"):
            issue_form(session, "JZZM", member.id_number, DEMO_TODAY)
        found = kiosk.identify(session, member.id_number)
        assert found is not None and not found.has_record
        with pytest.raises(KioskError, match="到窗口办理"):
            print_certificate(session, PDF_RENDERER, member.id, "JZZM", today=DEMO_TODAY)


def test_the_lookup_still_finds_them_with_the_state_and_lists_living_members_only(demo_db):
    with demo_db.sessions.begin() as session:
        head, member = family(session)
        record_death(session, member.id_number, day=DAY, actor="x", scope=WHOLE_STREET)
        dead = lookup(session, member.id_number, actor="qiantai")
        assert (dead["state"], dead["state_name"], dead["left_on"]) == ("dead", "已死亡", "2026-03-01")
        names = [m["name"] for m in lookup(session, head.id_number, actor="qiantai")["household"]["members"]]
        assert member.name not in names and head.name in names


def test_batches_and_board_counts_leave_them_out(demo_db):
    with demo_db.sessions.begin() as session:
        head, member = family(session)
        grid = session.scalar(select(Grid).join(Building).where(Building.id == head.household.building_id))
        flt = ResidentFilter(grid_code=grid.code)
        chosen = {r.id for r in matching_residents(session, flt, today=DEMO_TODAY)}
        counted = next(b for b in boards_data(session, [grid.code], DEMO_TODAY)).grid.residents
        assert member.id in chosen
        record_death(session, member.id_number, day=DAY, actor="x", scope=WHOLE_STREET)
        record_moved_away(
            session,
            head.id_number,
            day=DAY,
            destination="外地",
            actor="x",
            scope=WHOLE_STREET,
            new_head=next(m for m in head.household.members if m.living and m is not head).id_number,
        )
        after = {r.id for r in matching_residents(session, flt, today=DEMO_TODAY)}
        assert after == chosen - {member.id, head.id}
        assert next(b for b in boards_data(session, [grid.code], DEMO_TODAY)).grid.residents == counted - 2


def run(capsys, db, *argv) -> tuple[int, list[dict], str]:
    code = main(["--db", db.url, *argv])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.startswith("{")], err


def test_the_resident_commands_record_the_actor_and_keep_the_rules(demo_db, capsys):
    with demo_db.sessions() as session:
        head, member = family(session)
        head_id, member_id, name = head.id_number, member.id_number, member.name
    code, rows, _ = run(
        capsys,
        demo_db,
        "resident",
        "leave",
        member_id,
        "--date",
        "2026-02-01",
        "--to",
        "西安市",
        "--user",
        "qiantai",
    )
    assert code == 0 and rows[0]["kind"] == "moved_away" and rows[0]["resident"] != member_id
    code, _, err = run(
        capsys, demo_db, "resident", "move", member_id, "--household-of", head_id, "--relation", "子"
    )
    assert code == 1 and "已于2026年2月1日迁出，不能迁往其他户" in err
    code, rows, _ = run(capsys, demo_db, "resident", "return", member_id, "--user", "admin")
    assert code == 0 and rows[0]["kind"] == "returned"
    code, rows, _ = run(
        capsys, demo_db, "resident", "edit", member_id, "--phone", "13811112222", "--user", "qiantai"
    )
    assert code == 0 and "联系电话" in rows[0]["summary"]
    code, _, err = run(capsys, demo_db, "resident", "death", head_id, "--date", "2026-03-01")
    assert code == 1 and "请指定新户主" in err
    code, rows, _ = run(
        capsys, demo_db, "resident", "death", head_id, "--date", "2026-03-01", "--new-head", member_id
    )
    assert code == 0 and rows[0]["people"] == 2
    code, rows, _ = run(capsys, demo_db, "resident", "history", member_id, "--user", "qiantai")
    assert rows[0] == {"resident": rows[0]["resident"], "name": name, "state": "在册"}
    assert [r["kind"] for r in rows[1:]] == ["head_changed", "edited", "returned", "moved_away"]
    assert [r["actor"] for r in rows[2:]] == ["qiantai", "admin", "qiantai"]
    assert member_id not in json.dumps(rows)
    with demo_db.sessions() as session:
        assert (
            session.scalar(select(func.count(ResidentHistory.id)).where(ResidentHistory.actor == "qiantai"))
            == 2
        )
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert (last.actor, last.action) == ("qiantai", "history")


def test_a_grid_worker_may_not_change_residents_nor_read_another_grids_history(demo_db, capsys):
    with demo_db.sessions() as session:
        scope = scope_for(session, "wangge")
        inside = next(r for r in session.scalars(select(Resident).where(scope.resident_filter()).limit(5)))
        outsider = next(
            r
            for r in session.scalars(
                select(Resident)
                .where(Resident.household_id.is_not(None))
                .order_by(Resident.id.desc())
                .limit(50)
            )
            if not scope.allows_resident(session, r)
        )
        inside_id, outsider_id = inside.id_number, outsider.id_number
    code, _, err = run(
        capsys, demo_db, "resident", "edit", inside_id, "--phone", "13800000000", "--user", "wangge"
    )
    assert code == 1 and "只有系统管理员和前台受理人员" in err
    code, _, err = run(capsys, demo_db, "resident", "history", outsider_id, "--user", "wangge")
    assert code == 1 and "人口库中没有" in err
    code, rows, _ = run(capsys, demo_db, "resident", "history", inside_id, "--user", "wangge")
    assert code == 0 and rows[0]["state"] == "在册"


def test_a_household_certificate_lists_living_members_only(demo_db):
    from app.models import CertificateTemplate
    from app.services.certificates.templates import prefill

    with demo_db.sessions.begin() as session:
        head, member = family(session)
        record_death(session, member.id_number, day=DAY, actor="x", scope=WHOLE_STREET)
        template = session.get(CertificateTemplate, "TFCY")
        values = prefill(session, template, head, DEMO_TODAY)
        names = [m["name"] for m in values["household.members"]]
        assert head.name in names and member.name not in names
        assert len(names) == len([m for m in head.household.members if m.living])
