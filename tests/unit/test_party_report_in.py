"""双报到: an outside member joins a branch, services are recorded and summed per member and per
unit, the 报到服务记实 prints, and a grid worker cannot reach a member of another grid's branch."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.cli import main
from app.models import Grid
from app.printing.documents.report_in import render_report_in_sheet
from app.services.admin.scope import WHOLE_STREET, scope_for
from app.services.party.members import MemberError
from app.services.party.report_in import add_outside_member, member_year, record_service, unit_years
from app.services.setup.demo_accounts import DEMO_GRID_WORKER

NUMBER = "11010519491231002X"


def _grids(session) -> tuple[str, str]:
    """A grid of the demo grid worker and one outside their grids."""
    scope = scope_for(session, DEMO_GRID_WORKER)
    grids = session.scalars(select(Grid).order_by(Grid.code)).all()
    inside = next(g.code for g in grids if scope.allows_grid(g.id))
    outside = next(g.code for g in grids if not scope.allows_grid(g.id))
    return inside, outside


def test_services_sum_up_and_print(demo_db):
    with demo_db.sessions.begin() as session:
        inside, _ = _grids(session)
        member = add_outside_member(
            session,
            name="王建国",
            id_text=NUMBER,
            grid_code=inside,
            unit_name="测试单位甲",
            scope=WHOLE_STREET,
            actor="admin",
        )
        assert member.kind == "在职党员到社区报到" and NUMBER not in member.id_masked
        for day, hours in ((3, 2.0), (17, 1.5)):
            record_service(
                session,
                member.id,
                served_on=dt.date(2026, 3, day),
                post="助老",
                hours=hours,
                content="陪独居老人就医",
                confirmed_by="网格长",
                scope=WHOLE_STREET,
                actor="admin",
            )
        record_service(
            session,
            member.id,
            served_on=dt.date(2025, 12, 1),
            post="文明劝导",
            hours=1,
            content="劝导乱停车",
            confirmed_by="",
            scope=WHOLE_STREET,
            actor="admin",
        )
        with pytest.raises(MemberError, match="岗位只能是"):
            record_service(
                session,
                member.id,
                served_on=dt.date(2026, 3, 1),
                post="打麻将",
                hours=1,
                content="x",
                confirmed_by="",
                scope=WHOLE_STREET,
                actor="admin",
            )
        year = member_year(session, member.id, 2026, scope=WHOLE_STREET, actor="admin")
        units = {u.unit_name: u for u in unit_years(session, 2026, scope=WHOLE_STREET)}
    assert len(year.services) == 2 and year.hours == 3.5
    assert units["测试单位甲"].hours == 3.5 and units["测试单位甲"].members == 1
    text = "".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(render_report_in_sheet(year, centre_name="测试社区党群服务中心"))).pages
    )
    assert "报到服务记实" in text and "王建国" in text and "测试单位甲" in text and "3.5小时" in text


def test_a_grid_worker_cannot_reach_another_grids_member(demo_db, capsys):
    with demo_db.sessions.begin() as session:
        _, outside = _grids(session)
        member = add_outside_member(
            session,
            name="李卫东",
            id_text=NUMBER,
            grid_code=outside,
            unit_name="测试单位乙",
            scope=WHOLE_STREET,
            actor="admin",
        )
        scope = scope_for(session, DEMO_GRID_WORKER)
        with pytest.raises(MemberError, match="不在您负责的网格"):
            member_year(session, member.id, 2026, scope=scope, actor=DEMO_GRID_WORKER)
    argv = [
        "--db",
        demo_db.url,
        "party",
        "report-in",
        "record",
        str(member.id),
        "--date",
        "2026-03-01",
        "--post",
        "助老",
        "--hours",
        "1",
        "--content",
        "探访",
    ]
    assert main([*argv, "--user", DEMO_GRID_WORKER]) != 0
    assert "不在您负责的网格" in capsys.readouterr().err
    assert main(argv) == 0
    capsys.readouterr()
    assert (
        main(
            ["--db", demo_db.url, "party", "report-in", "units", "--year", "2026", "--user", DEMO_GRID_WORKER]
        )
        == 0
    )
    units = [json.loads(line)["unit"] for line in capsys.readouterr().out.splitlines()]
    assert "测试单位乙" not in units
