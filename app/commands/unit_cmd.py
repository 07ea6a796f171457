"""``yichuang unit``: partner units (共建单位) — register and edit a unit, its resource list and the
community's need list, 双向认领 projects with milestones and result, the unit's annual record as a
PDF. Lists are JSON lines. ``--user`` acts as that account (held to its role)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from app.commands.context import CommandError, writable_target


def day(text: str) -> dt.date:
    """An argument's date; argparse turns the refusal into its usage line and exit 2."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”无效，请写成 2026-12-31") from None


def _unit_options(parser, *, adding: bool) -> None:
    from app.models import UNIT_KINDS

    if not adding:
        parser.add_argument("--name", help="new name of the unit")
    parser.add_argument("--kind", choices=UNIT_KINDS, default="机关单位" if adding else None)
    parser.add_argument("--contact", help="联系人")
    parser.add_argument("--phone", help="联系电话")
    parser.add_argument("--address", help="单位地址")
    parser.add_argument("--from", dest="agreement_from", type=day, metavar="DATE", help="共建协议开始日期")
    parser.add_argument("--to", dest="agreement_to", type=day, metavar="DATE", help="共建协议结束日期")
    parser.add_argument("--note")
    parser.add_argument(
        "--member", type=int, action="append", default=[], metavar="ID",
        help="a 双报到 member (party report-in) to link by hand; members who named the unit alike are linked anyway",
    )  # fmt: skip


def register(subparsers) -> None:
    unit = subparsers.add_parser("unit", help="共建单位 / partner units")
    actions = unit.add_subparsers(dest="unit_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="登记共建单位 / register a partner unit")
    add.add_argument("name")
    _unit_options(add, adding=True)
    add.set_defaults(handler=run_add)
    edit = actions.add_parser("edit", help="修改共建单位 / change a unit (by number or name)")
    edit.add_argument("unit")
    _unit_options(edit, adding=False)
    edit.set_defaults(handler=run_edit)
    listing = actions.add_parser("list", help="共建单位、清单或项目 / units, lists or projects as JSON lines")
    shown = listing.add_mutually_exclusive_group()
    shown.add_argument("--items", action="store_true", help="the resource and need lists")
    shown.add_argument("--projects", action="store_true", help="the 双向认领 projects")
    listing.add_argument("--year", type=int, help="projects going on in this year")
    listing.add_argument("--search", default="")
    listing.set_defaults(handler=run_list)
    resource = actions.add_parser("resource", help="资源清单 / a resource the unit offers")
    resource.add_argument("unit")
    resource.add_argument("title")
    resource.add_argument("--detail", default="")
    resource.set_defaults(handler=run_item, side="resource")
    need = actions.add_parser("need", help="需求清单 / a need of the community (of every unit, or --unit)")
    need.add_argument("title")
    need.add_argument("--unit", help="asked of this unit only")
    need.add_argument("--detail", default="")
    need.set_defaults(handler=run_item, side="need")
    record = actions.add_parser("record", help="年度记录 / a unit's year as an A4 PDF")
    record.add_argument("unit")
    record.add_argument("--year", type=int, default=dt.date.today().year)
    record.add_argument("--out", required=True, type=Path, metavar="PDF")
    record.set_defaults(handler=run_record)
    project = actions.add_parser("project", help="双向认领项目 / claimed projects")
    steps = project.add_subparsers(dest="project_action", metavar="STEP", required=True)
    claim = steps.add_parser("claim", help="认领 / a unit takes on a need, or the community a resource")
    claim.add_argument("unit")
    target = claim.add_mutually_exclusive_group(required=True)
    target.add_argument("--need", type=int, metavar="ID", help="the need the unit takes on")
    target.add_argument(
        "--resource", type=int, metavar="ID", help="the unit's resource the community takes up"
    )
    target.add_argument("--direction", choices=["need", "resource"], help="a project not on a list")
    claim.add_argument("--title", default="", help="the project's name (default: the need's or resource's)")
    claim.add_argument("--owner", required=True, help="项目负责人")
    claim.set_defaults(handler=run_claim)
    milestone = steps.add_parser("milestone", help="新增节点 / a milestone with its planned date")
    milestone.add_argument("project_no")
    milestone.add_argument("title")
    milestone.add_argument("--planned", type=day, metavar="DATE")
    milestone.set_defaults(handler=run_milestone)
    reached = steps.add_parser("reached", help="节点完成 / the N-th milestone was reached")
    reached.add_argument("project_no")
    reached.add_argument("number", type=int)
    reached.add_argument("--date", type=day, metavar="DATE", help="default: today")
    reached.set_defaults(handler=run_reached)
    finish = steps.add_parser("finish", help="完成（成效）或终止（--stopped，原因）/ end the project")
    finish.add_argument("project_no")
    finish.add_argument("--result", required=True)
    finish.add_argument("--stopped", action="store_true")
    finish.set_defaults(handler=run_finish)
    for parser in (add, edit, listing, resource, need, record, claim, milestone, reached, finish):
        parser.add_argument("--user", help="staff account acting (default: the OS account)")


def _change(args, ctx, act) -> None:
    """``act(session, actor)`` in one transaction; refusals as one sentence."""
    from app.services.admin import auth
    from app.services.admin.permissions import NotPermitted
    from app.services.common import audit
    from app.services.engage.partners import PartnerError

    try:
        with ctx.db().sessions.begin() as session:
            if args.user and auth.find_user(session, args.user) is None:
                raise CommandError(f"用户“{args.user}”不存在")
            return act(session, audit.cli_actor(args.user))
    except (PartnerError, NotPermitted) as exc:
        raise CommandError(str(exc)) from None


def _fields(args, name):
    from app.services.engage.partners import UnitFields

    return UnitFields(
        name=name,
        kind=args.kind,
        contact_name=args.contact,
        contact_phone=args.phone,
        address=args.address,
        agreement_from=args.agreement_from,
        agreement_to=args.agreement_to,
        note=args.note,
        member_ids=tuple(args.member),
    )


def _unit_json(session, unit) -> dict:
    from app.services.engage.partner_reads import list_units

    row = next(r for r in list_units(session) if r.unit_id == unit.id)
    return row.as_json(dt.date.today())


def run_add(args, ctx) -> int:
    from app.services.engage.partners import register_unit

    ctx.emit(
        _change(
            args, ctx, lambda s, actor: _unit_json(s, register_unit(s, _fields(args, args.name), actor=actor))
        )
    )
    return 0


def run_edit(args, ctx) -> int:
    from app.services.engage.partners import edit_unit, find_unit

    def act(session, actor):
        unit = edit_unit(session, find_unit(session, args.unit), _fields(args, args.name), actor=actor)
        return _unit_json(session, unit)

    ctx.emit(_change(args, ctx, act))
    return 0


def run_list(args, ctx) -> int:
    from app.services.common import audit
    from app.services.engage import partner_reads

    def act(session, actor):
        if args.items:
            rows = [r.as_json() for r in partner_reads.list_items(session)]
            what = "查看资源和需求清单"
        elif args.projects:
            rows = [
                r.as_json() for r in partner_reads.list_projects(session, year=args.year, text=args.search)
            ]
            what = "查看双向认领项目"
        else:
            rows = [r.as_json(dt.date.today()) for r in partner_reads.list_units(session, args.search)]
            what = "查看共建单位"
        audit.record_list(
            session, actor=actor, action="partner_unit_list", shown=len(rows), what=what, search=args.search
        )
        return rows

    ctx.emit_lines(_change(args, ctx, act))
    return 0


def run_item(args, ctx) -> int:
    from app.services.engage.partner_reads import list_items
    from app.services.engage.partners import add_item, find_unit

    def act(session, actor):
        unit = find_unit(session, args.unit) if args.unit else None
        item = add_item(
            session, args.side, args.title, unit=unit, detail=args.detail, actor=actor, today=dt.date.today()
        )
        return next(r for r in list_items(session) if r.item_id == item.id).as_json()

    ctx.emit(_change(args, ctx, act))
    return 0


def _project_json(session, project_no: str) -> dict:
    from app.services.engage.partner_reads import list_projects

    return list_projects(session, text=project_no)[0].as_json()


def run_claim(args, ctx) -> int:
    from app.services.engage.partner_projects import claim_project
    from app.services.engage.partners import find_unit

    direction = (
        "need" if args.need is not None else "resource" if args.resource is not None else args.direction
    )

    def act(session, actor):
        project = claim_project(
            session,
            find_unit(session, args.unit),
            direction=direction,
            owner=args.owner,
            title=args.title,
            item_id=args.need if args.need is not None else args.resource,
            actor=actor,
            today=dt.date.today(),
        )
        return _project_json(session, project.project_no)

    ctx.emit(_change(args, ctx, act))
    return 0


def run_milestone(args, ctx) -> int:
    from app.services.engage.partner_projects import add_milestone, find_project

    def act(session, actor):
        project = find_project(session, args.project_no)
        add_milestone(session, project, args.title, planned_on=args.planned, actor=actor)
        return _project_json(session, project.project_no)

    ctx.emit(_change(args, ctx, act))
    return 0


def run_reached(args, ctx) -> int:
    from app.services.engage.partner_projects import find_project, milestone_done

    today = dt.date.today()

    def act(session, actor):
        project = find_project(session, args.project_no)
        milestone_done(session, project, args.number, done_on=args.date or today, actor=actor, today=today)
        return _project_json(session, project.project_no)

    ctx.emit(_change(args, ctx, act))
    return 0


def run_finish(args, ctx) -> int:
    from app.services.engage.partner_projects import find_project, finish_project

    def act(session, actor):
        project = find_project(session, args.project_no)
        finish_project(
            session, project, result=args.result, stopped=args.stopped, actor=actor, today=dt.date.today()
        )
        return _project_json(session, project.project_no)

    ctx.emit(_change(args, ctx, act))
    return 0


def run_record(args, ctx) -> int:
    from app.printing.documents.partner_record import render_unit_record
    from app.services.common import audit
    from app.services.common.os_errors import os_reason
    from app.services.engage.partner_reads import unit_record
    from app.services.engage.partners import find_unit

    writable_target(args.out)

    def act(session, actor):
        unit = find_unit(session, args.unit)
        record = unit_record(session, unit, args.year)
        audit.record(
            session,
            actor=actor,
            action="partner_record",
            subject=unit.name,
            purpose=f"{args.year}年度共建记录",
            detail=f"报到党员{len(record.members)}名",
        )
        return record

    record = _change(args, ctx, act)
    try:
        render_unit_record(record, path=args.out)
    except OSError as exc:
        raise CommandError(f"年度记录未能写入 {args.out}：{os_reason(exc)}") from None
    ctx.emit(
        {
            "out": str(args.out),
            "unit": record.unit.name,
            "year": record.year,
            "members": len(record.members),
            "hours": record.hours,
            "projects": len(record.projects),
        }
    )
    return 0
