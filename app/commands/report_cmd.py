"""``yichuang report cases|satisfaction|certificates|population``: the centre's figures as JSON lines
(``report full`` and ``report monthly`` write files: report_files_cmd.py).

Every line is one figure: its code, its name (defined in docs/REPORTS.md), its value and, when the
report is grouped, the group. The first line says which period and scope the figures cover. The
figures are aggregates; each run is audited as one report view.
"""

from __future__ import annotations

from app.commands.context import CommandError
from app.commands.report_period import period_of as _period

KINDS = {
    "cases": "办件统计",
    "satisfaction": "好差评统计",
    "certificates": "证明开具统计",
    "population": "人口统计",
}


def register(subparsers) -> None:
    report = subparsers.add_parser("report", help="统计报表 / the centre's figures as JSON lines")
    kinds = report.add_subparsers(dest="report_kind", metavar="KIND", required=True)
    for kind, title in KINDS.items():
        parser = kinds.add_parser(kind, help=title)
        if kind != "population":
            parser.add_argument("--from", dest="start", metavar="DATE", help="first day, e.g. 2026-11-01")
            parser.add_argument("--to", dest="end", metavar="DATE", help="last day (included)")
            parser.add_argument("--month", metavar="YYYY-MM", help="a whole month instead of --from/--to")
        if kind == "cases":
            parser.add_argument(
                "--by",
                choices=["item", "category", "grid", "channel", "staff", "month"],
                help="group the figures",
            )
        if kind == "satisfaction":
            parser.add_argument(
                "--cases", action="store_true", help="also list the unsatisfied cases (no applicant)"
            )
        if kind == "population":
            parser.add_argument("--by", choices=["grid", "age", "tag"], help="group the figures")
        parser.add_argument("--grid", metavar="CODE", help="one grid only")
        parser.add_argument("--user", help="staff user the report is made for (a grid worker: their grids)")
        parser.set_defaults(handler=run_report)
    from app.commands.report_files_cmd import add_file_reports

    add_file_reports(kinds)


def run_report(args, ctx) -> int:
    from app.services.admin import auth
    from app.services.admin.permissions import NotPermitted, require
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.reports import case_figures, full_report, periods
    from app.services.reports.certificate_figures import certificate_report
    from app.services.reports.grids import grid_by_code
    from app.services.reports.population_figures import population_report
    from app.services.reports.satisfaction import satisfaction_report

    kind = args.report_kind
    period = None if kind == "population" else _period(args)
    actor = audit.cli_actor(args.user)
    with ctx.db().sessions.begin() as session:
        if args.user and auth.find_user(session, args.user) is None:
            raise CommandError(f"用户“{args.user}”不存在")
        try:
            require(session, actor, "report.view")
        except NotPermitted as exc:
            raise CommandError(str(exc)) from None
        scope = scope_for(session, args.user)
        grid_note = "全部" if scope.whole_street else "本人网格"
        if args.grid:
            grid = grid_by_code(session, args.grid)
            if grid is None:
                raise CommandError(f"网格“{args.grid}”不存在")
            if not scope.allows_grid(grid.id):
                raise CommandError(f"网格“{args.grid}”不在您负责的范围内")
            scope = periods.narrowed(scope, grid.id)
            grid_note = f"网格 {grid.code} {grid.name}"
        header: dict = {"report": kind, "name": KINDS[kind], "scope": grid_note}
        if period is not None:
            header["period"] = period.as_json()
        lines: list[dict] = []
        try:
            if kind == "cases":
                report = case_figures.case_report(session, period, grouping=args.by or "", scope=scope)
                header["as_of"] = report.as_of.isoformat()
                lines = [f.as_json() for f in report.figures()]
            elif kind == "satisfaction":
                sat = satisfaction_report(session, period, scope=scope)
                lines = [f.as_json() for f in sat.figures()]
                if args.cases:
                    lines += [{"unsatisfied_case": c.as_json()} for c in sat.unsatisfied]
            elif kind == "certificates":
                lines = [f.as_json() for f in certificate_report(session, period, scope=scope).figures()]
            else:
                pop = population_report(session, scope=scope)
                header["as_of"] = pop.as_of.isoformat()
                lines = [f.as_json() for f in pop.figures(args.by or "")]
        except case_figures.ReportError as exc:
            raise CommandError(str(exc)) from None
        full_report.record_report_view(
            session, actor=actor, what=KINDS[kind], period=period, scope_note=grid_note
        )
    ctx.emit(header)
    ctx.emit_lines(lines)
    return 0
