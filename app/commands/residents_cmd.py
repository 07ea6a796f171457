"""``yichuang residents --search TEXT [--grid CODE] [--tag CODE] [--state S] [--user U] [--limit N]``:
find residents by name, pinyin, initials, phone or address; one JSON line each (ID numbers
masked; phones masked for an account that does not see full data), audited as one list. A last
line ``{"more": true}`` says there were more than the limit."""

from __future__ import annotations

from app.commands.context import CommandError
from app.models import RESIDENT_STATES
from app.services.population.search import DEFAULT_LIMIT, MAX_LIMIT


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "residents", help="按姓名、拼音、电话或住址查找居民 / find residents without the ID card (audited)"
    )
    parser.add_argument(
        "--search",
        default="",
        metavar="TEXT",
        help="姓名、拼音、首字母、电话（至少4位）或住址，如 3号楼2单元502",
    )
    parser.add_argument("--grid", metavar="CODE", help="only this grid")
    parser.add_argument("--tag", metavar="CODE", help="only residents with this tag (age tags too)")
    parser.add_argument("--state", choices=sorted(RESIDENT_STATES), help="living, moved or dead")
    parser.add_argument("--user", help="staff user the search is recorded for and narrowed to (grid workers)")
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help=f"at most N rows (≤ {MAX_LIMIT})")
    parser.set_defaults(handler=run)


def run(args, ctx) -> int:
    from app.services.admin import auth
    from app.services.admin.access import mask_phone, user_sees_full_data
    from app.services.admin.scope import scope_for
    from app.services.common import audit
    from app.services.population.search import ResidentQuery, SearchError, list_found

    if not 1 <= args.limit <= MAX_LIMIT:
        raise CommandError(f"--limit 应在 1 到 {MAX_LIMIT} 之间")
    query = ResidentQuery(args.search, args.grid, args.tag, args.state, args.limit)
    with ctx.db().sessions.begin() as session:
        if args.user and auth.find_user(session, args.user) is None:
            raise CommandError(f"用户“{args.user}”不存在")
        full = user_sees_full_data(session, args.user)
        try:
            result = list_found(
                session, query, scope=scope_for(session, args.user), actor=audit.cli_actor(args.user)
            )
        except SearchError as exc:
            raise CommandError(str(exc)) from None
    for hit in result.hits:
        ctx.emit(
            {
                "name": hit.name,
                "sex": hit.sex,
                "age": hit.age,
                "birth_date": hit.birth_date.isoformat(),
                "id_number": hit.id_number,
                "phone": hit.phone if full else mask_phone(hit.phone),
                "address": hit.address,
                "grid": hit.grid_code,
                "state": hit.state,
                "state_name": hit.state_name,
            }
        )
    if result.more:
        ctx.emit({"more": True, "shown": len(result.hits)})
    return 0
