"""``yichuang print household ID --out PDF`` (一户一档) and ``yichuang print building
GRID_CODE/楼名 --out PDF`` (一幢一册): the population files as PDFs, audited.

ID numbers and phones are masked; ``--full-id`` prints them in full and is refused unless
``--user`` names an account whose role sees full data. ``--user`` also narrows what may be printed
to a grid worker's own grids. The file is written inside the transaction that audits it.
"""

from __future__ import annotations

from pathlib import Path

from app.commands.context import CommandError, writable_target


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "print", help="打印一户一档、一幢一册 / print a household or building file"
    )
    kinds = parser.add_subparsers(dest="print_kind", metavar="KIND", required=True)
    household = kinds.add_parser("household", help="一户一档 of the household of resident ID (A4 portrait)")
    household.add_argument("id_number", metavar="ID")
    building = kinds.add_parser("building", help="一幢一册 of building GRID_CODE/楼名 (A4 landscape)")
    building.add_argument("code", metavar="GRID_CODE/楼名")
    for kind in (household, building):
        kind.add_argument("--out", type=Path, required=True, help="the PDF file to write")
        kind.add_argument("--user", help="staff user the print is recorded for and narrowed to")
        kind.add_argument(
            "--full-id",
            action="store_true",
            help="full ID numbers and phones (only for --user with such a role)",
        )
        kind.set_defaults(handler=run)


def run(args, ctx) -> int:
    from app.printing.documents.population_books import render_building_book, render_household_file
    from app.services.admin import auth
    from app.services.admin.access import user_sees_full_data
    from app.services.admin.centre import CentreNotConfigured, centre_name, current_community
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.population.books import BookError, building_book, household_file

    target = writable_target(args.out)
    with ctx.db().sessions.begin() as session:
        if args.user and auth.find_user(session, args.user) is None:
            raise CommandError(f"用户“{args.user}”不存在")
        if args.full_id and not (args.user and user_sees_full_data(session, args.user)):
            raise CommandError("--full-id 需要用 --user 指定可查看完整身份证号的账号（管理员、前台或后台）")
        try:
            centre = centre_name(current_community(session))
        except CentreNotConfigured:
            centre = "党群服务中心"
        options = dict(
            scope=scope_for(session, args.user), full_data=args.full_id, actor=audit.cli_actor(args.user)
        )
        try:
            if args.print_kind == "household":
                data = household_file(session, args.id_number, **options)
                pdf = render_household_file(data, centre_name=centre)
                summary = {
                    "household": f"{data.building}{data.unit}单元{data.room}室",
                    "members": len(data.members),
                }
            else:
                data = building_book(session, args.code, **options)
                pdf = render_building_book(data, centre_name=centre)
                summary = {
                    "building": data.code,
                    "households": len(data.households),
                    "residents": data.residents,
                }
        except BookError as exc:
            raise CommandError(str(exc)) from None
        target.write_bytes(pdf)
    ctx.emit({**summary, "file": str(target), "full_id": args.full_id, "bytes": len(pdf)})
    return 0
