"""``yichuang sync``: one sync round with the street office; ``yichuang sync-config``: where the
street server is and this community's key.

``sync`` always prints its JSON report on stdout (what was pushed, pulled, refused, and how many
records wait). When the round could not finish (server unreachable, wrong key, server error) it
also writes the plain sentence to stderr and exits 1, so a scheduled task can alert; nothing is
lost either way (the outbox keeps every record until the server has it). Records the server
refused do not make the exit code non-zero: they are in the report and in the desk's indicator.
"""

from __future__ import annotations

from app.commands.context import CommandError


def register(subparsers) -> None:
    sync = subparsers.add_parser("sync", help="与街道同步一次 / one sync round with the street office")
    sync.add_argument(
        "--server", metavar="URL", help="street server URL (default: $YICHUANG_SYNC_URL or settings)"
    )
    sync.add_argument(
        "--key", metavar="KEY", help="this community's API key (default: $YICHUANG_SYNC_KEY or settings)"
    )
    sync.add_argument("--status", action="store_true", help="only show the sync status, do not connect")
    sync.set_defaults(handler=run_sync)

    config = subparsers.add_parser("sync-config", help="同步设置 / store the street server URL and API key")
    config.add_argument("--server", required=True, metavar="URL")
    config.add_argument("--key", required=True, metavar="KEY")
    config.set_defaults(handler=run_config)


def _status_dict(session) -> dict:
    from app.services.sync.settings import status

    current = status(session)
    return {
        "last_success_at": current.last_success_at.isoformat() if current.last_success_at else None,
        "waiting": current.waiting,
        "rejected_waiting": current.rejected,
        "last_error": current.last_error,
    }


def run_sync(args, ctx) -> int:
    import sys

    from app.services.sync.client import SyncClient
    from app.services.sync.settings import NOT_CONFIGURED, resolve_settings

    db = ctx.db()
    with db.sessions() as session:
        if args.status:
            ctx.emit(_status_dict(session))
            return 0
        url, key = resolve_settings(session, args.server, args.key)
    if not url or not key:
        raise CommandError(f"{NOT_CONFIGURED}：请运行 yichuang sync-config --server URL --key KEY")
    client = SyncClient(db.sessions, url, key)
    try:
        report = client.sync_once()
    finally:
        client.close()
    result = report.as_dict()
    with db.sessions() as session:
        result["status"] = _status_dict(session)
    ctx.emit(result)
    if report.offline:
        print(f"yichuang: {report.errors[-1]}", file=sys.stderr)
        return 1
    return 0


def run_config(args, ctx) -> int:
    from app.services.sync.settings import save_settings

    with ctx.db().sessions.begin() as session:
        try:
            save_settings(session, args.server, args.key)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
    ctx.emit({"server_url": args.server.strip().rstrip("/"), "api_key": "已保存"})
    return 0
