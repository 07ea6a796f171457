"""``yichuang catalogue [--search TEXT]``: the service items as JSON lines; ``catalogue list``
with disabled items too, and the administrator's ``catalogue add|edit|disable|enable``."""

from __future__ import annotations

import argparse
import dataclasses

from app.commands.administrator import administrator_actor
from app.commands.context import CommandError
from app.services.cases.catalogue import CatalogueIndex


def register(subparsers) -> None:
    parser = subparsers.add_parser("catalogue", help="服务事项清单 / the service catalogue")
    parser.add_argument("--search", metavar="TEXT", help="hanzi, pinyin initials (jzzm) or full pinyin")
    parser.set_defaults(handler=run)
    actions = parser.add_subparsers(dest="catalogue_action", metavar="ACTION")
    listing = actions.add_parser("list", help="every item with its state (--all: disabled ones too)")
    listing.add_argument("--all", action="store_true", help="include disabled items")
    listing.add_argument("--category", metavar="CODE", help="one category (e.g. ZM)")
    listing.set_defaults(handler=run_list)
    add = actions.add_parser("add", help="新增事项 / a new item (administrator)")
    add.add_argument("code", help="a new item code, e.g. ZM-101")
    add.add_argument("--name", required=True)
    add.add_argument("--category", required=True, metavar="CODE")
    _item_options(add)
    add.set_defaults(handler=run_add)
    edit = actions.add_parser("edit", help="修改事项 / change an item (administrator)")
    edit.add_argument("code")
    edit.add_argument("--name")
    edit.add_argument("--category", metavar="CODE")
    _item_options(edit)
    edit.add_argument("--add-material", action="append", default=[], metavar="TEXT", help="append one")
    edit.add_argument("--remove-material", action="append", default=[], metavar="TEXT", help="remove one")
    edit.set_defaults(handler=run_edit)
    for name, helptext in (
        ("disable", "停用事项 / no longer offered"),
        ("enable", "启用事项 / offered again"),
    ):
        action = actions.add_parser(name, help=helptext)
        action.add_argument("code")
        action.add_argument("--user", help="the administrator making the change (audit log)")
        action.set_defaults(handler=run_active, active=name == "enable")


def _item_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--material", action="append", metavar="TEXT", help="a required material, in order (repeat)"
    )
    parser.add_argument("--days", type=int, metavar="N", help="承诺时限 in working days; 0 = 即办")
    parser.add_argument("--department", help="承办部门")
    parser.add_argument(
        "--kiosk", action=argparse.BooleanOptionalAction, default=None, help="offered at the kiosk"
    )
    parser.add_argument("--template", metavar="CODE", help="certificate template; '' unlinks it")
    parser.add_argument("--basis", help="legal or policy basis")
    parser.add_argument("--notes")
    parser.add_argument("--user", help="the administrator making the change (audit log)")


def run(args, ctx) -> int:
    with ctx.db().sessions() as session:
        index = CatalogueIndex.load(session)
    entries = index.search(args.search) if args.search else index.entries
    ctx.emit_lines(entry.as_json() for entry in entries)
    return 0


def run_list(args, ctx) -> int:
    from app.services.cases.catalogue_admin import catalogue_rows

    with ctx.db().sessions() as session:
        rows = catalogue_rows(session, category=args.category, include_disabled=args.all)
    ctx.emit_lines(row.as_json() for row in rows)
    return 0


def run_add(args, ctx) -> int:
    from app.services.cases.catalogue_admin import ItemDraft, add_item

    draft = _changed(ItemDraft(name=args.name, category_code=args.category), args)
    return _save(ctx, args, lambda session, actor: add_item(session, args.code, draft, actor=actor))


def run_edit(args, ctx) -> int:
    from app.services.cases.catalogue_admin import catalogue_row, edit_item

    def change(session, actor):
        draft = catalogue_row(session, args.code).draft
        if args.name is not None:
            draft = dataclasses.replace(draft, name=args.name)
        if args.category is not None:
            draft = dataclasses.replace(draft, category_code=args.category)
        draft = _changed(draft, args)
        materials = list(draft.materials)
        for material in args.remove_material:
            if material not in materials:
                raise CommandError(f"事项 {args.code} 没有材料“{material}”")
            materials.remove(material)
        materials += args.add_material
        draft = dataclasses.replace(draft, materials=tuple(materials))
        return edit_item(session, args.code, draft, actor=actor)

    return _save(ctx, args, change)


def run_active(args, ctx) -> int:
    from app.services.cases.catalogue_admin import set_item_active

    return _save(
        ctx, args, lambda session, actor: set_item_active(session, args.code, args.active, actor=actor)
    )


def _changed(draft, args):
    values = {
        "materials": tuple(args.material) if args.material is not None else None,
        "promised_days": args.days,
        "department": args.department,
        "self_service": args.kiosk,
        "template_code": args.template,
        "basis": args.basis,
        "notes": args.notes,
    }
    return dataclasses.replace(draft, **{k: v for k, v in values.items() if v is not None})


def _save(ctx, args, change) -> int:
    from app.services.cases.catalogue_admin import CatalogueEditError

    with ctx.db().sessions.begin() as session:
        actor = administrator_actor(session, args.user)
        try:
            row = change(session, actor)
        except CatalogueEditError as exc:
            raise CommandError(str(exc)) from None
    ctx.emit(row.as_json())
    return 0
