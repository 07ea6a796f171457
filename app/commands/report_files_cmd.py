"""``yichuang report full`` and ``yichuang report monthly``: the whole 统计 report as files.

``full`` writes the report for a period (``--from/--to`` or ``--month``) to an .xlsx with Excel's
own charts and/or an A4 PDF with printed charts. ``monthly`` makes the 月度工作报表 of one month,
keeps it at the desk and marks it for the street office's next sync (see
app.services.reports.monthly). Both print one JSON object with what was written.
"""

from __future__ import annotations

from pathlib import Path

from app.commands.context import CommandError
from app.commands.report_period import period_of


def add_file_reports(kinds) -> None:
    full = kinds.add_parser("full", help="完整统计报表（Excel 图表 / PDF）")
    full.add_argument("--from", dest="start", metavar="DATE", help="first day, e.g. 2026-11-01")
    full.add_argument("--to", dest="end", metavar="DATE", help="last day (included)")
    full.add_argument("--month", metavar="YYYY-MM", help="a whole month instead of --from/--to")
    full.add_argument("--xlsx", metavar="FILE", help="write the workbook (with charts) here")
    full.add_argument("--pdf", metavar="FILE", help="write the A4 PDF (with charts) here")
    full.add_argument("--grid", metavar="CODE", help="one grid only")
    full.add_argument("--user", help="staff user the report is made for (a grid worker: their grids)")
    full.set_defaults(handler=run_full)
    monthly = kinds.add_parser("monthly", help="月度工作报表（保存并在下次同步时报送街道）")
    monthly.add_argument("--month", metavar="YYYY-MM", required=True, help="the month, e.g. 2026-11")
    monthly.add_argument("--xlsx", metavar="FILE", help="also write the workbook (with charts) here")
    monthly.add_argument("--pdf", metavar="FILE", help="also write the A4 PDF (with charts) here")
    monthly.add_argument("--notes", default="", metavar="TEXT", help="情况说明: the community's own notes")
    monthly.add_argument("--user", help="staff user who makes it (not a grid worker)")
    monthly.set_defaults(handler=run_monthly)


def _files(args, *, required: bool = True) -> tuple[Path | None, Path | None]:
    xlsx = Path(args.xlsx) if args.xlsx else None
    pdf = Path(args.pdf) if args.pdf else None
    if required and xlsx is None and pdf is None:
        raise CommandError("请用 --xlsx 或 --pdf 指定要写入的文件")
    for path, ending in ((xlsx, ".xlsx"), (pdf, ".pdf")):
        if path is not None and path.suffix.lower() != ending:
            raise CommandError(f"文件“{path.name}”应以 {ending} 结尾")
        if path is not None and not path.parent.exists():
            raise CommandError(f"文件夹“{path.parent}”不存在")
    return xlsx, pdf


def run_full(args, ctx) -> int:
    from app.printing.documents.stats_report import render_stats_report
    from app.services.admin import auth
    from app.services.admin.permissions import NotPermitted
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.reports.report_files import write_report_files
    from app.services.reports.viewing import ScopeRefused

    period = period_of(args)
    xlsx, pdf = _files(args)
    actor = audit.cli_actor(args.user)
    with ctx.db().sessions.begin() as session:
        if args.user and auth.find_user(session, args.user) is None:
            raise CommandError(f"用户“{args.user}”不存在")
        try:
            done = write_report_files(
                session,
                period,
                actor=actor,
                scope=scope_for(session, args.user),
                grid_code=args.grid or "",
                xlsx=xlsx,
                pdf=pdf,
                render_pdf=render_stats_report,
            )
        except (NotPermitted, ScopeRefused) as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"无法写入文件：{exc.strerror or exc}") from None
    ctx.emit({"report": "full", "name": "统计报表", **done.as_json()})
    return 0


def run_monthly(args, ctx) -> int:
    from app.printing.documents.stats_report import render_stats_report
    from app.services.admin import auth
    from app.services.admin.centre import CentreNotConfigured
    from app.services.admin.permissions import NotPermitted
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.reports.monthly import make_monthly_report
    from app.services.reports.periods import PeriodError
    from app.services.reports.viewing import ScopeRefused

    xlsx, pdf = _files(args, required=False)
    actor = audit.cli_actor(args.user)
    with ctx.db().sessions.begin() as session:
        if args.user and auth.find_user(session, args.user) is None:
            raise CommandError(f"用户“{args.user}”不存在")
        try:
            done = make_monthly_report(
                session,
                args.month,
                actor=actor,
                scope=scope_for(session, args.user),
                notes=args.notes,
                xlsx=xlsx,
                pdf=pdf,
                render_pdf=render_stats_report,
            )
        except (NotPermitted, ScopeRefused, PeriodError, CentreNotConfigured) as exc:
            raise CommandError(str(exc)) from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"无法写入文件：{exc.strerror or exc}") from None
    ctx.emit({"report": "monthly", "name": "月度工作报表", **done.as_json()})
    return 0
