"""``yichuang calendar``: the administrator's table of holidays and make-up working days (调休)
for years the chinese-calendar package does not know yet, and local closures."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from app.commands.context import CommandError
from app.services.common.os_errors import os_reason

HOLIDAY_WORDS = {"休", "假", "休息", "放假", "holiday", "off"}
WORKDAY_WORDS = {"班", "上班", "补班", "调休上班", "workday", "work"}


def register(subparsers) -> None:
    parser = subparsers.add_parser("calendar", help="工作日历 / working-day calendar overrides")
    actions = parser.add_subparsers(dest="calendar_action", metavar="ACTION", required=True)
    show = actions.add_parser("list", help="the overrides, and whether a year is known")
    show.add_argument("--year", type=int, default=dt.date.today().year)
    show.set_defaults(handler=run_list)
    setter = actions.add_parser("set", help="declare one day a holiday or a working day")
    setter.add_argument("day", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
    kind = setter.add_mutually_exclusive_group(required=True)
    kind.add_argument("--holiday", action="store_true")
    kind.add_argument("--workday", action="store_true")
    setter.add_argument("--note", default="")
    setter.set_defaults(handler=run_set)
    unset = actions.add_parser("unset", help="remove the override of one day")
    unset.add_argument("day", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
    unset.set_defaults(handler=run_unset)
    load = actions.add_parser(
        "import", help="CSV with columns 日期,类型(休/班),说明 — one year's arrangement"
    )
    load.add_argument("file", type=Path)
    load.set_defaults(handler=run_import)


def run_list(args, ctx) -> int:
    from app.services.common.workdays import WorkCalendar, year_overrides

    with ctx.db().sessions() as session:
        calendar = WorkCalendar.load(session)
        rows = year_overrides(session, args.year)
    ctx.emit({"year": args.year, "known": calendar.is_known(dt.date(args.year, 1, 1))})
    ctx.emit_lines({"day": r.day.isoformat(), "workday": r.workday, "note": r.note} for r in rows)
    return 0


def run_set(args, ctx) -> int:
    from app.services.common.workdays import set_override

    with ctx.db().sessions.begin() as session:
        try:
            set_override(session, args.day, args.workday, args.note)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
    ctx.emit({"day": args.day.isoformat(), "workday": bool(args.workday), "note": args.note})
    return 0


def run_unset(args, ctx) -> int:
    from app.services.common.workdays import remove_override

    with ctx.db().sessions.begin() as session:
        remove_override(session, args.day)
    ctx.emit({"day": args.day.isoformat(), "removed": True})
    return 0


def read_overrides(path: Path) -> list[tuple[dt.date, bool, str]]:
    """Rows of 日期,类型,说明; a header row is allowed; every bad row is named, nothing is half-read."""
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"无法读取 {path}：{os_reason(exc)}") from None
    try:
        decoded = text.decode("utf-8-sig")
    except UnicodeDecodeError:
        decoded = text.decode("gb18030", errors="replace")
    rows, errors = [], []
    for number, row in enumerate(csv.reader(decoded.splitlines()), start=1):
        if not row or not row[0].strip() or row[0].strip() in ("日期", "date"):
            continue
        try:
            day = dt.date.fromisoformat(row[0].strip().replace("/", "-"))
        except ValueError:
            errors.append(f"第{number}行日期“{row[0].strip()}”无法识别")
            continue
        word = row[1].strip() if len(row) > 1 else ""
        if word not in HOLIDAY_WORDS | WORKDAY_WORDS:
            errors.append(f"第{number}行类型“{word}”应为“休”或“班”")
            continue
        rows.append((day, word in WORKDAY_WORDS, row[2].strip() if len(row) > 2 else ""))
    if errors:
        raise CommandError("；".join(errors[:10]) + ("……" if len(errors) > 10 else "") + "。未导入任何日期")
    return rows


def run_import(args, ctx) -> int:
    from app.services.common.workdays import import_overrides

    rows = read_overrides(args.file)
    with ctx.db().sessions.begin() as session:
        try:
            count = import_overrides(session, rows)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
    ctx.emit({"imported": count})
    return 0
