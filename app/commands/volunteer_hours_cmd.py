"""``yichuang volunteer activity|sign|correct|hours|certificate``: what happens at an activity
and what it counts. Registered by volunteer_cmd."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.commands.context import CommandError, writable_target
from app.services.common.os_errors import os_reason

USER_HELP = "staff user (scope, rights and audit log)"


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def add_actions(actions) -> None:
    activity = actions.add_parser("activity", help="活动 / a team's activities")
    activity_actions = activity.add_subparsers(dest="activity_action", metavar="ACTION", required=True)
    plan = activity_actions.add_parser("add", help="plan an activity of a team")
    plan.add_argument("--team", type=int, required=True)
    plan.add_argument("--title", required=True)
    plan.add_argument("--place", default="")
    plan.add_argument("--start", type=_moment, required=True, help="开始时间 YYYY-MM-DDTHH:MM（当地时间）")
    plan.add_argument("--end", type=_moment, required=True, help="结束时间 YYYY-MM-DDTHH:MM")
    plan.set_defaults(handler=run_activity_add)
    listed = activity_actions.add_parser("list", help="activities starting between two dates")
    listed.add_argument("--from", dest="date_from", type=dt.date.fromisoformat, default=dt.date.today())
    listed.add_argument("--to", dest="date_to", type=dt.date.fromisoformat)
    listed.add_argument("--team", type=int)
    listed.set_defaults(handler=run_activity_list)
    sign = actions.add_parser("sign", help="sign a volunteer in (or out, when signed in) by ID number")
    sign.add_argument("id_number", metavar="ID")
    sign.add_argument("--activity", type=int, help="活动编号（今天可签到的活动不止一个时必填）")
    sign.add_argument("--at", type=_moment, help="签到或签退时间（默认现在）")
    sign.set_defaults(handler=run_sign)
    correct = actions.add_parser("correct", help="set an attendance's hours by hand, with a reason")
    correct.add_argument("attendance", type=int)
    correct.add_argument("--hours", type=float, required=True)
    correct.add_argument("--reason", required=True)
    correct.set_defaults(handler=run_correct)
    hours = actions.add_parser("hours", help="a volunteer's activities and hours; --out prints the record")
    certificate = actions.add_parser("certificate", help="issue the 志愿服务时长证明 (signed QR) as a PDF")
    for p in (hours, certificate):
        p.add_argument("volunteer", type=int)
        p.add_argument("--from", dest="date_from", type=dt.date.fromisoformat)
        p.add_argument("--to", dest="date_to", type=dt.date.fromisoformat)
    hours.add_argument("--out", help="写出志愿服务记录 PDF")
    hours.set_defaults(handler=run_hours)
    certificate.add_argument("--out", required=True)
    certificate.set_defaults(handler=run_certificate)
    for p in (plan, listed, sign, correct, hours, certificate):
        p.add_argument("--user", help=USER_HELP)


def _period(args) -> tuple[dt.date, dt.date]:
    """The period asked for; by default this calendar year up to today."""
    today = dt.date.today()
    return args.date_from or dt.date(today.year, 1, 1), args.date_to or today


def _activity(row) -> dict:
    return {
        "id": row.id,
        "team": row.team,
        "title": row.title,
        "place": row.place,
        "start": row.starts_at.isoformat(timespec="minutes"),
        "end": row.ends_at.isoformat(timespec="minutes"),
        "status": row.status,
    }


def run_activity_add(args, ctx) -> int:
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.volunteers.activities import add_activity
    from app.services.volunteers.teams import VolunteerError

    with ctx.db().sessions.begin() as session:
        try:
            row = add_activity(
                session,
                args.team,
                title=args.title,
                place=args.place,
                starts_at=args.start,
                ends_at=args.end,
                scope=scope_for(session, args.user),
                actor=audit.cli_actor(args.user),
            )
        except VolunteerError as exc:
            raise CommandError(str(exc)) from None
    ctx.emit(_activity(row))
    return 0


def run_activity_list(args, ctx) -> int:
    from app.services.admin.scope import scope_for
    from app.services.volunteers.activities import list_activities

    with ctx.db().sessions() as session:
        rows = list_activities(
            session,
            scope=scope_for(session, args.user),
            date_from=args.date_from,
            date_to=args.date_to or args.date_from,
            team_id=args.team,
        )
    ctx.emit_lines(_activity(row) for row in rows)
    return 0


def run_sign(args, ctx) -> int:
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.volunteers.attendance import sign_in, sign_out, signing_state
    from app.services.volunteers.teams import VolunteerError

    now = args.at or dt.datetime.now().replace(second=0, microsecond=0)
    with ctx.db().sessions.begin() as session:
        scope, actor = scope_for(session, args.user), audit.cli_actor(args.user)
        try:
            state = signing_state(session, now=now, actor=actor, id_text=args.id_number, scope=scope)
            if state.open is not None and args.activity in (None, state.open.activity_id):
                result = sign_out(session, state.volunteer_id, now=now, actor=actor, scope=scope)
            else:
                activity = args.activity
                if activity is None:
                    if len(state.choices) != 1:
                        listed = "；".join(f"{a.id} {a.title} {a.when}" for a in state.choices) or "无"
                        raise VolunteerError(f"请用 --activity 选择要签到的活动（可签到：{listed}）")
                    activity = state.choices[0].id
                result = sign_in(
                    session, state.volunteer_id, activity, now=now, channel="cli", actor=actor, scope=scope
                )
        except VolunteerError as exc:
            raise CommandError(str(exc)) from None
    ctx.emit(
        {
            "volunteer": state.volunteer_id,
            "id_number": state.id_masked,
            "signed": "in" if result.signed_in else "out",
            "activity": result.title,
            "at": result.at.isoformat(timespec="minutes"),
            "hours": result.hours,
        }
    )
    return 0


def run_correct(args, ctx) -> int:
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.volunteers.attendance import correct_hours
    from app.services.volunteers.teams import VolunteerError

    with ctx.db().sessions.begin() as session:
        try:
            hours = correct_hours(
                session,
                args.attendance,
                args.hours,
                reason=args.reason,
                actor=audit.cli_actor(args.user),
                scope=scope_for(session, args.user),
            )
        except VolunteerError as exc:
            raise CommandError(str(exc)) from None
    ctx.emit({"attendance": args.attendance, "hours": hours, "reason": args.reason.strip()})
    return 0


def _centre(session) -> str:
    from app.services.admin.centre import CentreNotConfigured, centre_name, current_community

    try:
        return centre_name(current_community(session))
    except CentreNotConfigured:  # a street-wide database with no centre chosen
        return "党群服务中心"


def run_hours(args, ctx) -> int:
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.volunteers.records import volunteer_record
    from app.services.volunteers.teams import VolunteerError

    date_from, date_to = _period(args)
    with ctx.db().sessions.begin() as session:
        try:
            record = volunteer_record(
                session,
                args.volunteer,
                date_from=date_from,
                date_to=date_to,
                scope=scope_for(session, args.user),
                actor=audit.cli_actor(args.user),
            )
        except VolunteerError as exc:
            raise CommandError(str(exc)) from None
        centre = _centre(session)
    for line in record.lines:
        ctx.emit(
            {
                "date": line.served_on.isoformat(),
                "team": line.team,
                "activity": line.activity,
                "signed_in": line.signed_in,
                "signed_out": line.signed_out,
                "hours": line.hours,
                "note": line.note,
            }
        )
    summary = {
        "volunteer": record.volunteer_id,
        "id_number": record.id_masked,
        "activities": record.activities,
    }
    summary["hours"] = record.hours
    if args.out:
        from app.printing.documents.volunteer_record import render_volunteer_record

        path = Path(args.out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render_volunteer_record(record, centre_name=centre))
        summary["out"] = str(path)
    ctx.emit(summary)
    return 0


def run_certificate(args, ctx) -> int:
    from app.printing.certificates.renderer import PDF_RENDERER
    from app.services.admin.restored import RestoredCopyError
    from app.services.admin.scope import scope_for
    from app.services.certificates.register import CertificateError
    from app.services.common import audit
    from app.services.volunteers.records import issue_hours_certificate
    from app.services.volunteers.teams import VolunteerError

    date_from, date_to = _period(args)
    path = writable_target(Path(args.out))  # before a serial is taken
    with ctx.db().sessions.begin() as session:
        try:
            issued = issue_hours_certificate(
                session,
                PDF_RENDERER,
                args.volunteer,
                date_from=date_from,
                date_to=date_to,
                scope=scope_for(session, args.user),
                actor=audit.cli_actor(args.user),
                channel="cli",
            )
        except (VolunteerError, CertificateError, RestoredCopyError) as exc:
            raise CommandError(str(exc)) from None
        try:  # written before the commit: no paper without its register entry, nor the reverse
            path.write_bytes(issued.pdf)
        except OSError as exc:
            raise CommandError(f"无法写入 {path}：{os_reason(exc)}") from None
    ctx.emit(
        {
            "serial": issued.serial,
            "qr": issued.qr,
            "verification_code": issued.verification_code,
            "out": str(path),
        }
    )
    return 0
