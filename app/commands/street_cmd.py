"""``yichuang street-server`` and ``yichuang street-admin``: the street office's server and its keys.

The server keeps its own tables (app/street/models.py), so ``--db`` here names the server's
database (a SQLite file path or a postgresql+psycopg:// URL). Without it: the global ``--db`` when
given, else ``$YICHUANG_STREET_DB``, else ``street.db`` in the user data folder — never the desk's
database, which ``$YICHUANG_DB`` names.
"""

from __future__ import annotations

import os

from app.commands.context import CommandError
from app.config import data_dir, database_url

DB_ENV = "YICHUANG_STREET_DB"


def register(subparsers) -> None:
    server = subparsers.add_parser("street-server", help="街道服务器 / the street-office sync server")
    _db_option(server)
    server.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    server.add_argument("--port", type=int, default=8700, help="port (default 8700)")
    server.add_argument("--certfile", help="TLS certificate (PEM); serve HTTPS with --keyfile")
    server.add_argument("--keyfile", help="TLS private key (PEM)")
    server.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    server.add_argument(
        "--insecure-cookies",
        action="store_true",
        help="street office sign-in cookie without Secure: only for plain http on this machine (docs/STREET.md)",
    )
    server.set_defaults(handler=run_server)

    admin = subparsers.add_parser("street-admin", help="街道服务器管理 / register communities and keys")
    _db_option(admin)
    actions = admin.add_subparsers(dest="street_action", metavar="ACTION", required=True)
    reg = actions.add_parser("register", help="register a community (prints its API key once)")
    reg.add_argument("code", metavar="COMMUNITY_CODE")
    reg.add_argument("name", metavar="NAME")
    reg.add_argument("--role", choices=["community", "street"], default="community")
    reg.add_argument("--rotate", action="store_true", help="give an already registered code a new key")
    reg.add_argument("--street", metavar="STREET_CODE", help="the street office the community belongs to")
    reg.set_defaults(handler=run_register)
    listing = actions.add_parser("list", help="registered communities as JSON lines (no keys)")
    listing.set_defaults(handler=run_list)
    attach = actions.add_parser("attach", help="make a community one of a street office's")
    attach.add_argument("code", metavar="COMMUNITY_CODE")
    attach.add_argument("street", metavar="STREET_CODE")
    attach.set_defaults(handler=run_attach)
    from app.commands.street_office_cmd import register as register_office

    register_office(actions, _sessions)
    clients = actions.add_parser(
        "open311-client", help="Open311 clients that may file requests (docs/OPEN311.md)"
    )
    client_actions = clients.add_subparsers(dest="client_action", metavar="ACTION", required=True)
    add = client_actions.add_parser("add", help="register a client (prints its api_key once)")
    add.add_argument("name", metavar="NAME")
    add.set_defaults(handler=run_client_add)
    client_list = client_actions.add_parser("list", help="registered clients as JSON lines (no keys)")
    client_list.set_defaults(handler=run_client_list)


def _db_option(parser) -> None:
    parser.add_argument(
        "--db",
        dest="street_db",
        metavar="URL",
        help="the server's database: a file path or SQLAlchemy URL "
        "(default: the global --db, else $YICHUANG_STREET_DB, else street.db in the user data folder)",
    )


def _url(args, ctx) -> str:
    chosen = args.street_db or ctx.db_option or os.environ.get(DB_ENV) or str(data_dir() / "street.db")
    return database_url(chosen)


def _sessions(args, ctx):
    from app.street.models import open_store

    return _opening(open_store, _url(args, ctx))


def _opening(open_it, url: str):
    try:
        return open_it(url)
    except Exception as exc:  # noqa: BLE001 — one sentence, no traceback
        raise CommandError(f"无法打开街道服务器数据库：{_first_line(exc)}") from exc


def _first_line(exc: BaseException) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def run_server(args, ctx) -> int:
    import uvicorn

    from app.street.models import prepare_store

    if bool(args.certfile) != bool(args.keyfile):
        raise CommandError("--certfile 和 --keyfile 须同时提供")
    if args.workers < 1:
        raise CommandError("--workers 至少为 1")
    url = _url(args, ctx)
    _opening(prepare_store, url)
    os.environ[DB_ENV] = url
    if args.insecure_cookies:
        os.environ["YICHUANG_STREET_COOKIE_SECURE"] = "0"
    tls = {"ssl_certfile": args.certfile, "ssl_keyfile": args.keyfile} if args.certfile else {}
    uvicorn.run(
        "app.commands.street_cmd:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=False,
        proxy_headers=True,
        **tls,
    )
    return 0


def app_from_environment():
    """The factory uvicorn calls in each worker process (the schema is already up to date)."""
    from app.street.api import create_app

    return create_app(os.environ[DB_ENV], migrate=False)


def run_register(args, ctx) -> int:
    from app.street.admin import AdminError, register

    sessions = _sessions(args, ctx)
    try:
        ctx.emit(register(sessions, args.code, args.name, args.role, rotate=args.rotate, street=args.street))
    except AdminError as exc:
        raise CommandError(str(exc)) from None
    return 0


def run_attach(args, ctx) -> int:
    from app.street.admin import AdminError, attach

    try:
        ctx.emit(attach(_sessions(args, ctx), args.code, args.street))
    except AdminError as exc:
        raise CommandError(str(exc)) from None
    return 0


def run_list(args, ctx) -> int:
    from app.street.admin import list_communities

    ctx.emit_lines(list_communities(_sessions(args, ctx)))
    return 0


def run_client_add(args, ctx) -> int:
    from app.street.open311.filing import add_client

    sessions = _sessions(args, ctx)
    try:
        ctx.emit(add_client(sessions, args.name))
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    return 0


def run_client_list(args, ctx) -> int:
    from app.street.open311.filing import list_clients

    ctx.emit_lines(list_clients(_sessions(args, ctx)))
    return 0
