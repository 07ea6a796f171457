"""``yichuang import residents|hotline|grids FILE``: load residents, 12345 hotline work orders, or
communities, grids and their staff from a spreadsheet, with a report; ``import template`` writes a
blank workbook for each."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.commands.context import CommandError, Context
from app.services.admin.auth import find_user
from app.services.common.audit import cli_actor


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("import", help="导入数据（居民花名册、12345工单、网格和网格人员）")
    kinds = parser.add_subparsers(dest="import_kind", metavar="WHAT", required=True)
    residents = kinds.add_parser(
        "residents",
        help="从 .xlsx 或 .csv 导入居民；已有居民（按身份证号）会被更新",
        description="从 .xlsx 或 .csv 导入居民。打印一个 JSON 报告；有被拒绝的行时退出码为 1。",
    )
    residents.add_argument("file", metavar="FILE", help="要导入的 .xlsx 或 .csv 文件")
    residents.add_argument("--strict", action="store_true", help="只要有一行被拒绝，就什么也不写入")
    residents.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入数据库")
    residents.add_argument("--user", metavar="NAME", help="记入审计日志的操作人（默认：当前系统用户）")
    residents.set_defaults(handler=run)

    hotline = kinds.add_parser(
        "hotline",
        help="从 .xlsx 或 .csv 导入12345热线工单；已导入的工单（按工单编号）会跳过",
        description="从 .xlsx 或 .csv 导入12345热线工单，按地址分派到网格。打印一个 JSON 报告；有被拒绝的行时退出码为 1。",
    )
    hotline.add_argument("file", metavar="FILE", help="12345平台导出的 .xlsx 或 .csv 文件")
    hotline.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入数据库")
    hotline.add_argument("--user", metavar="NAME", help="导入人，即首问责任人（默认：当前系统用户）")
    hotline.set_defaults(handler=run_hotline)

    grids = kinds.add_parser(
        "grids",
        help="从 .xlsx 导入网格和网格人员（工作表“网格”“人员”）；已有网格（按网格编码）会被更新",
        description="从 .xlsx 导入网格和网格人员。打印一个 JSON 报告；有被拒绝的行时什么也不写入，退出码为 1。",
    )
    grids.add_argument("file", metavar="FILE", help="含“网格”“人员”工作表的 .xlsx 文件")
    grids.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入数据库")
    grids.add_argument("--user", metavar="NAME", help="记入审计日志的操作人（默认：当前系统用户）")
    grids.set_defaults(handler=run_grids)

    template = kinds.add_parser(
        "template",
        help="写出一个空白导入模板（.xlsx，含“说明”表和各列表头）",
        description="写出空白导入模板：表头与导入程序接受的列名一致，另有“说明”表列出每列的格式和示例。",
    )
    template.add_argument("what", choices=["residents", "grids", "hotline"], help="哪一种导入")
    template.add_argument("--out", required=True, type=Path, metavar="XLSX", help="要写出的 .xlsx 文件")
    template.set_defaults(handler=run_template)


def run_template(args: argparse.Namespace, ctx: Context) -> int:
    from app.commands.context import writable_target
    from app.services.imports.templates import write_template

    target = writable_target(args.out)
    if target.suffix.lower() != ".xlsx":
        raise CommandError(f"模板是 Excel 工作簿，文件名须以 .xlsx 结尾：{target.name}")
    write_template(args.what, target)
    ctx.emit({"template": args.what, "out": str(target)})
    return 0


def run(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.imports.residents import ImportFileError, import_residents

    path = Path(args.file)
    if not path.is_file():  # before opening (and perhaps creating) the database
        raise CommandError(f"找不到文件“{args.file}”")
    actor = cli_actor(args.user)
    with ctx.db().sessions() as session:
        if args.user and find_user(session, args.user) is None:
            raise CommandError(f"用户“{args.user}”不存在")
        try:
            report = import_residents(session, path, actor=actor, strict=args.strict, dry_run=args.dry_run)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
    ctx.emit(report.as_dict())
    return 1 if report.rejected else 0


def run_hotline(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.admin.centre import CentreNotConfigured
    from app.services.admin.permissions import NotPermitted
    from app.services.admin.restored import RestoredCopyError
    from app.services.imports.hotline import ImportFileError, import_hotline_orders

    path = Path(args.file)
    if not path.is_file():  # before opening (and perhaps creating) the database
        raise CommandError(f"找不到文件“{args.file}”")
    actor = cli_actor(args.user)
    with ctx.db().sessions() as session:
        if args.user and find_user(session, args.user) is None:
            raise CommandError(f"用户“{args.user}”不存在")
        try:
            report = import_hotline_orders(session, path, actor=actor, dry_run=args.dry_run)
        except (ImportFileError, CentreNotConfigured, RestoredCopyError, NotPermitted) as exc:
            raise CommandError(str(exc)) from exc
    ctx.emit(report.as_dict())
    return 1 if report.rejected else 0


def run_grids(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.imports.grids import import_grids_and_staff
    from app.services.imports.spreadsheet import ImportFileError

    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"找不到文件“{args.file}”")
    actor = cli_actor(args.user)
    with ctx.db().sessions() as session:
        if args.user and find_user(session, args.user) is None:
            raise CommandError(f"用户“{args.user}”不存在")
        try:
            report = import_grids_and_staff(session, path, actor=actor, dry_run=args.dry_run)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
    ctx.emit(report.as_dict())
    return 1 if report.rejected else 0
