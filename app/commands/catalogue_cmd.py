"""``yichuang catalogue [--search TEXT]``: the service items as JSON lines."""

from __future__ import annotations

from app.services.cases.catalogue import CatalogueIndex


def register(subparsers) -> None:
    parser = subparsers.add_parser("catalogue", help="服务事项清单 / the service catalogue")
    parser.add_argument("--search", metavar="TEXT", help="hanzi, pinyin initials (jzzm) or full pinyin")
    parser.set_defaults(handler=run)


def run(args, ctx) -> int:
    with ctx.db().sessions() as session:
        index = CatalogueIndex.load(session)
    entries = index.search(args.search) if args.search else index.entries
    ctx.emit_lines(entry.as_json() for entry in entries)
    return 0
