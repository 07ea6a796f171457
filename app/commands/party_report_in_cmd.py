"""``yichuang party report-in``: 双报到 members from outside, their services and the yearly
报到服务记实 sheet. Registered by party_cmd under ``party``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.commands.context import CommandError


def add_group(groups) -> None:
    group = groups.add_parser("report-in", help="双报到 / in-service members reporting to the community")
    actions = group.add_subparsers(dest="report_in_action", metavar="ACTION", required=True)
    join = actions.add_parser("join", help="register an in-service member who lives elsewhere")
    join.add_argument("name")
    join.add_argument("id_number", metavar="ID")
    join.add_argument("--grid", required=True, help="网格编码：报到到该网格的党支部")
    join.add_argument("--unit", required=True, help="报到单位名称")
    join.add_argument("--phone", default="")
    join.set_defaults(handler=run_join)
    record = actions.add_parser("record", help="record one service of a member (by member id)")
    record.add_argument("member", type=int)
    record.add_argument("--date", type=dt.date.fromisoformat, required=True)
    record.add_argument("--post", required=True, help="岗位，如 楼栋长助理、文明劝导、助老、政策宣讲")
    record.add_argument("--hours", type=float, required=True)
    record.add_argument("--content", required=True)
    record.add_argument("--confirmed-by", default="")
    record.set_defaults(handler=run_record)
    sheet = actions.add_parser("sheet", help="a member's 报到服务记实 for a year, as a PDF")
    sheet.add_argument("member", type=int)
    sheet.add_argument("--year", type=int, default=dt.date.today().year)
    sheet.add_argument("--out", required=True)
    sheet.set_defaults(handler=run_sheet)
    units = actions.add_parser("units", help="a year's services and hours per reporting unit")
    units.add_argument("--year", type=int, default=dt.date.today().year)
    units.set_defaults(handler=run_units)
    for parser in (join, record, sheet, units):
        parser.add_argument("--user", help="staff user (scope and audit log)")


def run_join(args, ctx) -> int:
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.party.members import MemberError
    from app.services.party.report_in import add_outside_member

    with ctx.db().sessions.begin() as session:
        try:
            row = add_outside_member(
                session,
                name=args.name,
                id_text=args.id_number,
                grid_code=args.grid,
                unit_name=args.unit,
                phone=args.phone,
                scope=scope_for(session, args.user),
                actor=audit.cli_actor(args.user),
            )
        except MemberError as exc:
            raise CommandError(str(exc)) from None
    ctx.emit(
        {
            "id": row.id,
            "name": row.name,
            "id_number": row.id_masked,
            "branch": row.branch,
            "unit": row.unit_name,
        }
    )
    return 0


def run_record(args, ctx) -> int:
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.party.members import MemberError
    from app.services.party.report_in import record_service

    with ctx.db().sessions.begin() as session:
        try:
            row = record_service(
                session,
                args.member,
                served_on=args.date,
                post=args.post,
                hours=args.hours,
                content=args.content,
                confirmed_by=args.confirmed_by,
                scope=scope_for(session, args.user),
                actor=audit.cli_actor(args.user),
            )
        except MemberError as exc:
            raise CommandError(str(exc)) from None
    ctx.emit({"member": args.member, "date": row.served_on.isoformat(), "post": row.post, "hours": row.hours})
    return 0


def run_sheet(args, ctx) -> int:
    from app.printing.documents.report_in import render_report_in_sheet
    from app.services.admin.centre import CentreNotConfigured, centre_name, current_community
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.party.members import MemberError
    from app.services.party.report_in import member_year

    with ctx.db().sessions.begin() as session:
        try:
            record = member_year(
                session,
                args.member,
                args.year,
                scope=scope_for(session, args.user),
                actor=audit.cli_actor(args.user),
            )
        except MemberError as exc:
            raise CommandError(str(exc)) from None
        try:
            centre = centre_name(current_community(session))
        except CentreNotConfigured:  # no centre chosen yet (a street-wide demo database)
            centre = "党群服务中心"
    pdf = render_report_in_sheet(record, centre_name=centre)
    path = Path(args.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf)
    ctx.emit(
        {
            "member": record.member_id,
            "year": record.year,
            "services": len(record.services),
            "hours": record.hours,
            "out": str(path),
        }
    )
    return 0


def run_units(args, ctx) -> int:
    from app.services.admin.scope import scope_for
    from app.services.party.report_in import unit_years

    with ctx.db().sessions() as session:
        rows = unit_years(session, args.year, scope=scope_for(session, args.user))
    for row in rows:
        ctx.emit(
            {"unit": row.unit_name, "members": row.members, "services": row.services, "hours": row.hours}
        )
    return 0
