"""``yichuang street set`` and ``yichuang community add|edit|list``: a centre sets up its street
and communities from nothing (the demo street comes with them; a real centre starts here).

Codes are the 统计用区划代码 (street 9 digits, community 12); a community's prefix starts its case
numbers. Every change is written to the audit log as the ``--user`` given, else the machine's
account.
"""

from __future__ import annotations

import argparse

from app.commands.context import CommandError, Context

_COMMUNITY_OPTIONS = (
    ("--address", "address", "地址"),
    ("--phone", "phone", "服务电话"),
    ("--hours", "hours", "办公时间，如“周一至周五 8:30-17:30”"),
    ("--heading", "heading", "证明抬头（模板未规定时印在证明顶部；默认同落款）"),
    ("--issuer", "issuer", "证明落款（默认“社区名称居民委员会”）"),
)


def register(subparsers: argparse._SubParsersAction) -> None:
    street = subparsers.add_parser("street", help="街道 / the street this centre belongs to")
    street_actions = street.add_subparsers(dest="street_action", metavar="ACTION", required=True)
    set_ = street_actions.add_parser("set", help="设置街道（新建或修改）")
    set_.add_argument("code", metavar="CODE", help="街道代码（9位统计用区划代码）")
    set_.add_argument("name", metavar="NAME", help="街道名称，如 桃园街道")
    set_.add_argument("--district", help="区/县")
    set_.add_argument("--city", help="城市")
    set_.add_argument("--hotline", help="街道服务电话")
    set_.add_argument(
        "--board-qr", choices=["vcard", "url"], help="公示牌二维码：vcard 网格长名片（新街道默认），url 网址"
    )
    set_.add_argument("--board-url", metavar="URL", help="公示牌二维码的网址模板，含 {grid_code}")
    set_.add_argument("--user", metavar="NAME", help="记入审计日志的操作人（默认：当前系统用户）")
    set_.set_defaults(handler=run_street_set)

    community = subparsers.add_parser("community", help="社区 / the communities of the street")
    actions = community.add_subparsers(dest="community_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="新增社区（第一个社区即为本中心所属社区）")
    add.add_argument("code", metavar="CODE", help="社区代码（12位统计用区划代码）")
    add.add_argument("name", metavar="NAME", help="社区名称，如 桃园社区")
    add.add_argument("--prefix", required=True, help="编号前缀（英文字母，如 TY），办件编号以它开头")
    edit = actions.add_parser("edit", help="修改社区（只改给出的项）")
    edit.add_argument("code", metavar="CODE", help="社区代码")
    edit.add_argument("--name", help="社区名称")
    edit.add_argument("--prefix", help="编号前缀")
    for parser in (add, edit):
        for flag, dest, text in _COMMUNITY_OPTIONS:
            parser.add_argument(flag, dest=dest, help=text)
        parser.add_argument("--user", metavar="NAME", help="记入审计日志的操作人（默认：当前系统用户）")
    add.set_defaults(handler=run_community_add)
    edit.set_defaults(handler=run_community_edit)
    listing = actions.add_parser("list", help="列出社区（JSON，每行一个）")
    listing.set_defaults(handler=run_community_list)


def _actor(session, username: str | None) -> str:
    from app.services.admin.auth import find_user
    from app.services.common.audit import cli_actor

    if username and find_user(session, username) is None:
        raise CommandError(f"用户“{username}”不存在")
    return cli_actor(username)


def run_street_set(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.admin.area import AreaError, StreetDetails, set_street, the_street

    with ctx.db().sessions.begin() as session:
        actor = _actor(session, args.user)
        current = the_street(session)
        kept = {
            k: getattr(current, k) if current is not None else "" for k in ("district", "city", "hotline")
        }
        given = {k: getattr(args, k) for k in kept if getattr(args, k) is not None}
        try:
            street, created = set_street(
                session,
                StreetDetails(
                    args.code,
                    args.name,
                    **{**kept, **given},
                    board_qr=args.board_qr or "",
                    board_url=args.board_url or "",
                ),
                actor=actor,
            )
        except AreaError as exc:
            raise CommandError(str(exc)) from None
        ctx.emit(
            {
                "street_code": street.code,
                "street_name": street.name,
                "district": street.district,
                "city": street.city,
                "hotline": street.hotline,
                "board_qr": street.board_qr_mode,
                "board_url": street.board_url_template,
                "created": created,
            }
        )
    return 0


def run_community_add(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.admin.area import AreaError, CommunityDetails, add_community

    details = CommunityDetails(
        args.code,
        args.name,
        args.prefix,
        **{dest: getattr(args, dest) or "" for _, dest, _ in _COMMUNITY_OPTIONS},
    )
    with ctx.db().sessions.begin() as session:
        actor = _actor(session, args.user)
        try:
            record = add_community(session, details, actor=actor)
        except AreaError as exc:
            raise CommandError(str(exc)) from None
        ctx.emit(record.as_dict())
    return 0


def run_community_edit(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.admin.area import AreaError, edit_community

    names = ("name", "prefix", *(dest for _, dest, _ in _COMMUNITY_OPTIONS))
    changes = {k: getattr(args, k) for k in names if getattr(args, k) is not None}
    if not changes:
        raise CommandError("没有要修改的内容：请给出 --name、--prefix、--address 等至少一项")
    with ctx.db().sessions.begin() as session:
        actor = _actor(session, args.user)
        try:
            record = edit_community(session, args.code, changes, actor=actor)
        except AreaError as exc:
            raise CommandError(str(exc)) from None
        ctx.emit(record.as_dict())
    return 0


def run_community_list(args: argparse.Namespace, ctx: Context) -> int:
    from app.services.admin.area import community_records

    with ctx.db().sessions() as session:
        ctx.emit_lines(record.as_dict() for record in community_records(session))
    return 0
