"""``yichuang id check ID...``: validate ID numbers, one JSON object a line."""

from __future__ import annotations

from app.services.common.idcard import check_report

# A prefix no typed or pasted text starts with: every argument after ``check`` is an ID, so
# ``-h`` or a number pasted with a leading hyphen is reported (invalid) instead of being taken
# for an option that prints help and exits 0. A first ``--`` is still dropped, as scripts
# that guard their arguments expect.
_NO_OPTIONS = "\x00"


def register(subparsers) -> None:
    parser = subparsers.add_parser("id", help="身份证号工具 / ID number tools")
    actions = parser.add_subparsers(dest="id_action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="校验身份证号 / validate ID numbers (every argument is an ID; exit 0 only when all are valid)",
        prefix_chars=_NO_OPTIONS,
        add_help=False,
    )
    check.add_argument("numbers", nargs="+", metavar="ID")
    check.set_defaults(handler=run_check)


def run_check(args, ctx) -> int:
    reports = [check_report(number) for number in args.numbers]
    ctx.emit_lines(reports)
    return 0 if all(r["valid"] for r in reports) else 1
