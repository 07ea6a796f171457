"""``yichuang resident add|edit|move|head|split|merge|leave|death|return|history``: keeping the
population base current (一人一表、一户一档) from the command line, with the desk's rules.

``--user`` is recorded as the actor and must be an administrator or front-desk account for a
change; a grid worker's ``--user`` narrows ``history`` to their grids. Output: one JSON line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.commands.context import CommandError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise CommandError(f"日期“{text}”无法识别，应为 YYYY-MM-DD") from None


def _fields(parser, *, new: bool) -> None:
    parser.add_argument("--name", required=new)
    parser.add_argument("--ethnicity")
    parser.add_argument("--phone")
    parser.add_argument("--hukou-address")
    parser.add_argument("--current-address")
    parser.add_argument("--authority", help="签发机关")
    parser.add_argument("--valid-from", metavar="YYYY-MM-DD")
    parser.add_argument("--valid-to", metavar="YYYY-MM-DD")
    parser.add_argument("--long-term", action="store_true", help="证件长期有效")
    parser.add_argument("--notes")
    parser.add_argument("--photo", type=Path, metavar="JPEG|PNG")


def _room(parser, *, existing: bool = True) -> None:
    if existing:
        parser.add_argument("--household-of", metavar="ID", help="into the household of this resident")
    parser.add_argument("--building-id", type=int, help="a room of this building (with --unit, --room)")
    parser.add_argument("--unit", type=int, default=1)
    parser.add_argument("--room")


def register(subparsers) -> None:
    parser = subparsers.add_parser("resident", help="居民信息维护 / keep residents and households current")
    actions = parser.add_subparsers(dest="resident_action", metavar="ACTION", required=True)

    def action(name: str, helptext: str, handler, *, person: bool = True):
        sub = actions.add_parser(name, help=helptext)
        if person:
            sub.add_argument("id_number", metavar="ID")
        sub.add_argument("--user", help="staff user making the change (audit log, history, scope)")
        sub.set_defaults(handler=handler)
        return sub

    add = action("add", "登记 / add a resident with every field", run_add)
    _fields(add, new=True)
    add.add_argument("--relation", default="", help="与户主关系")
    _room(add)
    edit = action("edit", "修改 / change any field (--new-id: a corrected ID number)", run_edit)
    edit.add_argument("--new-id", metavar="ID")
    edit.add_argument("--relation")
    _fields(edit, new=False)
    move = action("move", "迁往其他户 / move a person to another household", run_move)
    _room(move)
    move.add_argument("--relation", default="", help="与新户户主的关系")
    move.add_argument("--new-head", metavar="ID", help="who heads the old household if this person did")
    head = action("head", "户主变更 / this person becomes head of their household", run_head)
    head.add_argument("--old-head-relation", required=True, help="原户主与新户主的关系")
    split = action(
        "split", "拆户 / these members into a new household in another room", run_split, person=False
    )
    split.add_argument("id_numbers", nargs="+", metavar="ID")
    split.add_argument("--head", required=True, metavar="ID", help="head of the new household")
    split.add_argument("--relation", action="append", default=[], metavar="ID=关系")
    split.add_argument("--remaining-head", metavar="ID", help="new head of the old household if needed")
    _room(split, existing=False)
    merge = action("merge", "并户 / the household of ID joins the household of --into", run_merge)
    merge.add_argument("--into", required=True, metavar="ID", help="a member of the household to join")
    merge.add_argument("--head-relation", required=True, help="原户主与并入户户主的关系")
    leave = action("leave", "迁出 / record a move away", run_leave)
    leave.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    leave.add_argument("--to", required=True, help="迁往何处")
    leave.add_argument("--new-head", metavar="ID")
    death = action("death", "死亡登记 / record a death", run_death)
    death.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    death.add_argument("--new-head", metavar="ID")
    back = action("return", "迁回 / a person who moved away lives here again", run_return)
    back.add_argument("--relation", help="与户主关系 (if the household has another head now)")
    action("history", "变更记录 / a resident's history, newest first (audited)", run_history)


def _change(args, ctx, work) -> int:
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.population.changes import UpkeepError, check_editor

    with ctx.db().sessions.begin() as session:
        try:
            check_editor(session, args.user)
            change = work(session, actor=audit.cli_actor(args.user), scope=scope_for(session, args.user))
        except UpkeepError as exc:
            raise CommandError(str(exc)) from None
    from app.services.common.idcard import mask

    ctx.emit(
        {
            "kind": change.kind,
            "summary": change.summary,
            "resident": mask(change.id_number),
            "people": change.people,
        }
    )
    return 0


def _where(session, args, scope):
    from app.services.population.changes import Room, UpkeepError, find_in_scope

    if getattr(args, "household_of", None):
        other = find_in_scope(session, args.household_of, scope)
        if other.household_id is None:
            raise UpkeepError("所指居民没有编入任何户")
        return Room(household_id=other.household_id)
    if args.building_id is None:
        raise UpkeepError("请指定 --household-of，或 --building-id 和 --room")
    return Room(building_id=args.building_id, unit=args.unit, room=args.room or "")


def _photo(path: Path | None) -> bytes | None:
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError:
        raise CommandError(f"照片文件 {path} 无法读取") from None


def run_add(args, ctx) -> int:
    from app.services.population.registration import NewResident
    from app.services.population.upkeep import add_resident

    def work(session, *, actor, scope):
        where = _where(session, args, scope) if (args.household_of or args.building_id is not None) else None
        data = NewResident(
            id_number=args.id_number,
            name=args.name,
            ethnicity=args.ethnicity or "汉族",
            hukou_address=args.hukou_address or "",
            current_address=args.current_address or "",
            phone=args.phone or "",
            card_authority=args.authority or "",
            card_valid_from=_date(args.valid_from) if args.valid_from else None,
            card_valid_to=_date(args.valid_to) if args.valid_to else None,
            card_long_term=args.long_term,
            building_id=where.building_id if where else None,
            unit=where.unit if where else 1,
            room=where.room if where else "",
            household_id=where.household_id if where else None,
            relation_to_head=args.relation,
            notes=args.notes or "",
            photo=_photo(args.photo),
        )
        return add_resident(session, data, actor=actor, scope=scope)

    return _change(args, ctx, work)


def run_edit(args, ctx) -> int:
    from app.services.population.upkeep import ResidentEdit, edit_resident

    edit = ResidentEdit(
        id_number=args.new_id,
        name=args.name,
        ethnicity=args.ethnicity,
        phone=args.phone,
        hukou_address=args.hukou_address,
        current_address=args.current_address,
        relation_to_head=args.relation,
        card_authority=args.authority,
        card_valid_from=_date(args.valid_from) if args.valid_from else None,
        card_valid_to=_date(args.valid_to) if args.valid_to else None,
        card_long_term=True if args.long_term else None,
        notes=args.notes,
        photo=_photo(args.photo),
    )
    return _change(args, ctx, lambda s, **kw: edit_resident(s, args.id_number, edit, **kw))


def run_move(args, ctx) -> int:
    from app.services.population.households import move_person

    def work(session, **kw):
        where = _where(session, args, kw["scope"])
        return move_person(
            session, args.id_number, where, relation=args.relation, new_head=args.new_head, **kw
        )

    return _change(args, ctx, work)


def run_head(args, ctx) -> int:
    from app.services.population.households import change_head

    return _change(
        args,
        ctx,
        lambda s, **kw: change_head(s, args.id_number, old_head_relation=args.old_head_relation, **kw),
    )


def run_split(args, ctx) -> int:
    from app.services.population.households import split_household

    relations = {}
    for pair in args.relation:
        number, _, relation = pair.partition("=")
        relations[number.strip().upper()] = relation

    def work(session, **kw):
        where = _where(session, args, kw["scope"])
        return split_household(
            session,
            args.id_numbers,
            where,
            head=args.head,
            relations=relations,
            remaining_head=args.remaining_head,
            **kw,
        )

    return _change(args, ctx, work)


def run_merge(args, ctx) -> int:
    from app.services.population.changes import UpkeepError, find_in_scope
    from app.services.population.households import merge_households

    def work(session, *, actor, scope):
        source, target = (find_in_scope(session, n, scope) for n in (args.id_number, args.into))
        if source.household_id is None or target.household_id is None:
            raise UpkeepError("两位居民都应已编入户")
        return merge_households(
            session,
            source.household_id,
            target.household_id,
            head_relation=args.head_relation,
            actor=actor,
            scope=scope,
        )

    return _change(args, ctx, work)


def run_leave(args, ctx) -> int:
    from app.services.population.leaving import record_moved_away

    day = _date(args.date)
    return _change(
        args,
        ctx,
        lambda s, **kw: record_moved_away(
            s, args.id_number, day=day, destination=args.to, new_head=args.new_head, **kw
        ),
    )


def run_death(args, ctx) -> int:
    from app.services.population.leaving import record_death

    day = _date(args.date)
    return _change(
        args, ctx, lambda s, **kw: record_death(s, args.id_number, day=day, new_head=args.new_head, **kw)
    )


def run_return(args, ctx) -> int:
    from app.services.population.leaving import record_return

    return _change(args, ctx, lambda s, **kw: record_return(s, args.id_number, relation=args.relation, **kw))


def run_history(args, ctx) -> int:
    from app.models import RESIDENT_STATES
    from app.services.admin import auth
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.population.changes import UpkeepError
    from app.services.population.history import history_of

    with ctx.db().sessions.begin() as session:
        if args.user and auth.find_user(session, args.user) is None:
            raise CommandError(f"用户“{args.user}”不存在")
        try:
            view = history_of(
                session, args.id_number, actor=audit.cli_actor(args.user), scope=scope_for(session, args.user)
            )
        except UpkeepError as exc:
            raise CommandError(str(exc)) from None
    ctx.emit(
        {"resident": view.masked_id, "name": view.name, "state": RESIDENT_STATES.get(view.state, view.state)}
    )
    for row in view.rows:
        ctx.emit(
            {
                "at": row.at.isoformat(timespec="seconds"),
                "actor": row.actor,
                "kind": row.kind,
                "kind_name": row.kind_name,
                "summary": row.summary,
                "before": row.before,
                "after": row.after,
            }
        )
    return 0
