"""The period a report command covers: ``--month`` or ``--from``/``--to`` (the current month
without either), shared by ``report`` and ``report full|monthly``."""

from __future__ import annotations

import datetime as dt

from app.commands.context import CommandError


def period_of(args):
    from app.services.reports import periods

    try:
        if args.month:
            if args.start or args.end:
                raise CommandError("--month 不能与 --from/--to 同时使用")
            return periods.month(args.month)
        if not args.start and not args.end:
            return periods.this_month(dt.date.today())
        if not (args.start and args.end):
            raise CommandError("请同时给出 --from 和 --to，或用 --month")
        return periods.Period(_date(args.start, "--from"), _date(args.end, "--to"))
    except periods.PeriodError as exc:
        raise CommandError(str(exc)) from None


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option} 日期“{text}”格式不对，应为 2026-11-01 这样的年-月-日") from None
