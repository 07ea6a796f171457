"""``yichuang templates`` and ``yichuang certificate issue|verify|reprint|void|register|batch|
export-key|trust-key``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.commands.context import CommandError, writable_target
from app.services.common.os_errors import os_reason


def register(subparsers) -> None:
    templates = subparsers.add_parser("templates", help="证明和表格模板 / certificate and form templates")
    templates.add_argument(
        "--import",
        dest="import_file",
        type=Path,
        metavar="YAML",
        help="add or replace a template from a YAML file (validated; kept on later reloads)",
    )
    templates.add_argument("--export", metavar="CODE", help="print one template's definition as YAML")
    templates.set_defaults(handler=run_templates)

    cert = subparsers.add_parser("certificate", help="证明 / certificates")
    actions = cert.add_subparsers(dest="certificate_action", metavar="ACTION", required=True)
    issue = actions.add_parser("issue", help="开具 / issue one certificate for a resident")
    issue.add_argument("--template", required=True, metavar="CODE")
    issue.add_argument("--id", required=True, dest="id_number", metavar="ID")
    issue.add_argument("--field", action="append", default=[], metavar="K=V", help="a staff-filled field")
    issue.add_argument("--out", required=True, type=Path, metavar="PDF")
    issue.add_argument("--user", help="staff user issuing it")
    issue.set_defaults(handler=run_issue)

    verify = actions.add_parser("verify", help="核验 / verify a QR text, serial or verification code")
    verify.add_argument("text")
    verify.add_argument("--id", dest="id_number", metavar="ID", help="also check the holder's ID number")
    verify.set_defaults(handler=run_verify)

    reprint = actions.add_parser("reprint", help="补打 / print again with the same serial (logged)")
    reprint.add_argument("serial")
    reprint.add_argument("--out", required=True, type=Path, metavar="PDF")
    reprint.add_argument("--user")
    reprint.set_defaults(handler=run_reprint)

    void = actions.add_parser("void", help="作废 / void a certificate (a reason is required)")
    void.add_argument("serial")
    void.add_argument("--reason", required=True)
    void.add_argument("--user")
    void.set_defaults(handler=run_void)

    listing = actions.add_parser("register", help="台账 / the register as JSON lines")
    listing.add_argument("--template", metavar="CODE")
    listing.add_argument("--search", metavar="TEXT", help="serial, holder name or ID number")
    listing.add_argument("--status", choices=["valid", "voided"])
    listing.add_argument("--limit", type=int, default=500)
    listing.add_argument("--user", help="staff user the listing is recorded for (audit log)")
    listing.set_defaults(handler=run_register)

    batch = actions.add_parser("batch", help="批量开具 / one template for a filtered list of residents")
    batch.add_argument("--template", required=True, metavar="CODE")
    batch.add_argument("--min-age", type=int)
    batch.add_argument("--max-age", type=int)
    batch.add_argument("--tag", metavar="CODE", help="resident tag code, e.g. low_income")
    batch.add_argument("--grid", metavar="CODE")
    batch.add_argument("--field", action="append", default=[], metavar="K=V")
    batch.add_argument("--out", required=True, type=Path, metavar="PDF")
    batch.add_argument("--user")
    batch.set_defaults(handler=run_batch)

    export = actions.add_parser(
        "export-key", help="导出公钥 / export this centre's public key for the street office"
    )
    export.add_argument("--out", required=True, type=Path)
    export.set_defaults(handler=run_export_key)

    trust = actions.add_parser(
        "trust-key", help="信任公钥 / accept certificates signed by another centre's key"
    )
    trust.add_argument("file", type=Path)
    trust.add_argument("--owner", required=True, help="whose key it is, e.g. 新华社区党群服务中心")
    trust.set_defaults(handler=run_trust_key)


def _fields(pairs: list[str]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CommandError(f"--field 应写成 名称=值：{pair}")
        values[key.strip()] = value
    return values


def _actor(session, username: str | None) -> str:
    from app.services.admin import auth
    from app.services.common import audit

    if username and auth.find_user(session, username) is None:
        raise CommandError(f"用户“{username}”不存在")
    return audit.cli_actor(username)


def run_templates(args, ctx) -> int:
    from app.services.certificates.listing import stored_template, stored_templates

    if args.import_file:
        return _import_template(args.import_file, ctx)
    if args.export:
        import yaml

        with ctx.db().sessions() as session:
            template = stored_template(session, args.export)
        if template is None:
            raise CommandError(f"模板“{args.export}”不存在")
        print(yaml.safe_dump(template.definition, allow_unicode=True, sort_keys=False), end="")
        return 0
    with ctx.db().sessions() as session:
        templates = stored_templates(session)
    for t in templates:
        fields = t.definition.get("fields", [])
        ctx.emit(
            {
                "code": t.code,
                "title": t.title,
                "serial_prefix": t.serial_prefix,
                "follows": t.follows,
                "kind": t.definition.get("kind"),
                "version": t.version,
                "active": t.active,
                "fields": [
                    {
                        "name": f["name"],
                        "label": f.get("label"),
                        "source": f.get("source"),
                        "required": f.get("required", False),
                    }
                    for f in fields
                ],
            }
        )
    return 0


def _import_template(path: Path, ctx) -> int:
    """An administrator's new or changed template, without a code change: validated, stored, and
    marked as edited here so that reloading the shipped templates never overwrites it."""
    import yaml

    from app.services.certificates.templates import TemplateFileError, save_template

    try:
        definition = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(f"无法读取 {path}：{os_reason(exc)}") from None
    except yaml.YAMLError as exc:
        raise CommandError(f"{path.name} 不是有效的 YAML：{str(exc).splitlines()[0]}") from None
    if not isinstance(definition, dict):
        raise CommandError(f"{path.name} 的内容不是一个模板定义")
    with ctx.db().sessions.begin() as session:
        try:
            template = save_template(session, definition)
        except TemplateFileError as exc:
            raise CommandError("；".join(exc.problems)) from None
        ctx.emit(
            {
                "code": template.code,
                "title": template.title,
                "version": template.version,
                "edited_locally": True,
            }
        )
    return 0


def run_issue(args, ctx) -> int:
    from app.printing.certificates.renderer import PDF_RENDERER
    from app.services.admin.restored import RestoredCopyError
    from app.services.certificates.issue import issue_certificate
    from app.services.certificates.register import CertificateError
    from app.services.certificates.templates import TemplateValueError
    from app.services.population.lookup import LookupFailed, find_resident

    values = _fields(args.field)
    writable_target(args.out)  # before a serial is taken
    with ctx.db().sessions.begin() as session:
        actor = _actor(session, args.user)
        try:
            resident = find_resident(session, args.id_number)
            issued = issue_certificate(
                session,
                PDF_RENDERER,
                template_code=args.template,
                resident=resident,
                staff_values=values,
                actor=actor,
                channel="cli",
            )
        except TemplateValueError as exc:
            raise CommandError("；".join(f"{k}：{v}" for k, v in exc.errors.items())) from None
        except (LookupFailed, CertificateError, RestoredCopyError) as exc:
            raise CommandError(str(exc)) from None
        _write(args.out, issued.pdf)
    ctx.emit(
        {
            "serial": issued.serial,
            "qr": issued.qr,
            "verification_code": issued.verification_code,
            "title": issued.title,
            "out": str(args.out),
        }
    )
    return 0


def _write(path: Path, pdf: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pdf)
    except OSError as exc:
        raise CommandError(f"无法写入 {path}：{os_reason(exc)}") from None


def run_verify(args, ctx) -> int:
    from app.services.certificates.signing import verify

    with ctx.db().sessions() as session:
        result = verify(session, args.text, id_number=args.id_number)
    ctx.emit(result.to_dict())
    return 0 if result.valid else 1


def run_reprint(args, ctx) -> int:
    from app.printing.certificates.renderer import PDF_RENDERER
    from app.services.certificates.issue import reprint_certificate
    from app.services.certificates.register import CertificateError

    writable_target(args.out)  # before the reprint is logged

    with ctx.db().sessions.begin() as session:
        actor = _actor(session, args.user)
        try:
            issued = reprint_certificate(session, PDF_RENDERER, args.serial, actor=actor)
        except CertificateError as exc:
            raise CommandError(str(exc)) from None
        _write(args.out, issued.pdf)
    ctx.emit({"serial": issued.serial, "out": str(args.out)})
    return 0


def run_void(args, ctx) -> int:
    from app.services.certificates.register import CertificateError, void

    with ctx.db().sessions.begin() as session:
        actor = _actor(session, args.user)
        try:
            entry = void(session, args.serial, args.reason, actor)
        except CertificateError as exc:
            raise CommandError(str(exc)) from None
        ctx.emit({"serial": entry.serial, "status": entry.status, "reason": entry.void_reason})
    return 0


def run_register(args, ctx) -> int:
    from app.services.admin.scope import scope_for
    from app.services.certificates.register import register_rows
    from app.services.common import audit

    with ctx.db().sessions.begin() as session:
        actor = _actor(session, args.user)
        rows = register_rows(
            session,
            template_code=args.template,
            status=args.status,
            text=args.search,
            limit=args.limit,
            scope=scope_for(session, args.user),
        )
        # The lines name every holder and leave the program: written to the log with the read.
        audit.record_list(
            session,
            actor=actor,
            action="export",
            shown=len(rows),
            what="导出证明台账",
            search=args.search or "",
        )
    for row in rows:
        ctx.emit(
            {
                "serial": row.serial,
                "title": row.title,
                "holder": row.holder_name,
                "holder_id": row.holder_id_masked,
                "issue_date": row.issue_date.isoformat(),
                "issued_by": row.issued_by,
                "status": row.status,
                "reprints": row.reprints,
                "channel": row.channel,
            }
        )
    return 0


def run_batch(args, ctx) -> int:
    import time

    from app.printing.certificates.renderer import PDF_RENDERER
    from app.services.admin.scope import scope_for
    from app.services.certificates.issue import issue_batch
    from app.services.certificates.register import CertificateError
    from app.services.population.selection import ResidentFilter, matching_residents

    writable_target(args.out)  # before hundreds of forms are drawn
    started = time.perf_counter()
    with ctx.db().sessions.begin() as session:
        actor = _actor(session, args.user)
        flt = ResidentFilter(
            min_age=args.min_age, max_age=args.max_age, tag_code=args.tag, grid_code=args.grid
        )
        people = matching_residents(session, flt, today=dt.date.today(), scope=scope_for(session, args.user))
        if not people:
            raise CommandError("没有符合条件的居民")
        try:
            batch = issue_batch(
                session,
                PDF_RENDERER,
                template_code=args.template,
                residents=people,
                staff_values=_fields(args.field),
                actor=actor,
            )
        except CertificateError as exc:
            raise CommandError(str(exc)) from None
        _write(args.out, batch.pdf)
    ctx.emit(
        {
            "issued": len(batch.serials),
            "first": batch.serials[0],
            "last": batch.serials[-1],
            "out": str(args.out),
            "seconds": round(time.perf_counter() - started, 2),
        }
    )
    return 0


def run_export_key(args, ctx) -> int:
    from app.services.certificates.keys import ensure_keypair, export_public_key

    key_id = ensure_keypair().key_id
    try:
        export_public_key(args.out)
    except OSError as exc:
        raise CommandError(f"无法写入 {args.out}：{os_reason(exc)}") from None
    ctx.emit({"key_id": key_id, "out": str(args.out)})
    return 0


def run_trust_key(args, ctx) -> int:
    from app.services.certificates.keys import KeyFileError, import_trusted_key

    try:
        pem = args.file.read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"无法读取 {args.file}：{os_reason(exc)}") from None
    with ctx.db().sessions.begin() as session:
        try:
            key_id = import_trusted_key(session, pem, args.owner)
        except (KeyFileError, ValueError) as exc:
            raise CommandError(str(exc)) from None
    ctx.emit({"key_id": key_id, "owner": args.owner})
    return 0
