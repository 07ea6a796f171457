"""Issuing a certificate from a lookup: values → serial → signature → PDF → register entry; the
one use case the desk, the kiosk and the command line call to issue, reprint or issue in a batch.

The PDF comes from a ``CertificateRenderer`` the caller hands in (the real one is
:data:`app.printing.certificates.renderer.PDF_RENDERER`): the service decides what a certificate
says and records it, the renderer only draws it.

All of it happens in the caller's transaction: if anything fails (a missing glyph, a required
field, a full disk) nothing is registered and the serial is not burnt. A reprint renders the
register's snapshot again with the same serial and signature, so it is byte-for-byte the same
document (the register's hash proves it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from sqlalchemy.orm import Session

from app.models import Certificate, CertificateTemplate, Resident
from app.services.admin.centre import centre_name, certificate_texts, current_community
from app.services.admin.permissions import NotPermitted, require
from app.services.admin.scope import WHOLE_STREET, Scope, scope_for
from app.services.certificates.keys import ensure_keypair, ensure_trusted_own_key
from app.services.certificates.listing import COMPUTED_TEMPLATES
from app.services.certificates.register import (
    NOT_DRAWN,
    CertificateError,
    find,
    next_serial,
    next_serials,
    record_issue,
    record_reprint,
)
from app.services.certificates.signing import sign_payload, verification_code
from app.services.certificates.template_spec import TemplateSpec
from app.services.certificates.templates import TemplateValueError, prefill, resolve, spec_of
from app.services.population.changes import state_sentence
from app.services.population.lookup import OUT_OF_SCOPE, LookupFailed, find_resident


class RenderJob(NamedTuple):
    """Everything printed on one certificate (picklable: batches render in worker processes)."""

    spec: TemplateSpec
    values: dict[str, object]
    serial: str
    qr_text: str
    verification_code: str
    centre_name: str
    issue_date: dt.date


class CertificateRenderer(Protocol):
    """What the service needs from printing."""

    def missing_glyphs(self, values: Mapping[str, object]) -> dict[str, list[str]]:
        """Field -> characters no font can draw (empty when everything prints)."""

    def render(self, job: RenderJob) -> bytes:
        """One certificate as a PDF."""

    def render_batch(self, jobs: list[RenderJob], drawn: Callable[[int], None]) -> bytes:
        """All jobs' pages as one PDF, calling ``drawn(index)`` in order as each is drawn (it may
        raise to stop)."""


@dataclass(frozen=True, slots=True)
class IssuedCertificate:
    serial: str
    title: str
    qr: str
    verification_code: str
    pdf: bytes


class IssuedBatch(NamedTuple):
    serials: list[str]
    pdf: bytes  # every certificate of the batch, in the order of ``serials``


@dataclass(frozen=True, slots=True)
class IssueForm:
    """What the desk shows before issuing: the template and the values the lookup fills in."""

    spec: TemplateSpec
    prefilled: dict[str, object]


class BatchCancelled(RuntimeError):
    """The person cancelled a batch; nothing of it was registered."""


def active_template(session: Session, code: str) -> CertificateTemplate:
    template = session.get(CertificateTemplate, code)
    if template is None or not template.active:
        raise CertificateError(f"证明模板“{code}”不存在或已停用")
    return template


def issue_form(
    session: Session, template_code: str, id_number: str, today: dt.date, scope: Scope = WHOLE_STREET
) -> IssueForm:
    """The form for one resident; raises LookupFailed when the ID number finds nobody in ``scope``."""
    template = active_template(session, template_code)
    resident = find_resident(session, id_number)
    if not scope.allows_resident(session, resident):
        raise LookupFailed(OUT_OF_SCOPE, "out_of_scope")
    refuse_not_living(resident)
    return IssueForm(spec_of(template), prefill(session, template, resident, today))


def refuse_not_living(resident: Resident) -> None:
    """No certificate for a person who moved away or died: "该居民已于2026年3月1日死亡，不能开具证明"."""
    sentence = state_sentence(resident)
    if sentence:
        raise CertificateError(f"{sentence}，不能开具证明")


def issue_certificate(
    session: Session,
    renderer: CertificateRenderer,
    *,
    template_code: str,
    resident: Resident,
    staff_values: dict[str, object],
    actor: str,
    channel: str = "desk",
    today: dt.date | None = None,
    case_id: int | None = None,
    computed: bool = False,
) -> IssuedCertificate:
    """Issue one certificate; the caller commits (and only then hands the paper over). Refused
    when the account behind ``actor`` may not issue, or the resident is outside its grids, or
    the template is one whose values only its own use case works out (``computed`` says the
    caller is that use case)."""
    today = today or dt.date.today()
    _refuse_computed(template_code, computed)
    may_issue(session, actor, [resident])
    refuse_not_living(resident)
    template = active_template(session, template_code)
    spec = spec_of(template)
    values = resolve(spec, prefill(session, template, resident, today), staff_values)
    _refuse_missing_glyphs(renderer, values)
    community = current_community(session)
    keypair = ensure_keypair()
    ensure_trusted_own_key(session)
    signed = _sign(session, keypair, community, template, resident, values, today)
    pdf = renderer.render(signed.job(centre_headed(session, spec, community), centre_name(community), today))
    _register(
        session, template, signed, pdf, keypair, actor=actor, channel=channel, today=today, case_id=case_id
    )
    return IssuedCertificate(signed.serial, template.title, signed.payload, signed.code, pdf)


def reprint_certificate(
    session: Session, renderer: CertificateRenderer, serial: str, *, actor: str
) -> IssuedCertificate:
    """The same document again, from the register's snapshot; logged as a reprint."""
    entry = find(session, serial)
    if entry is None:
        raise CertificateError(f"登记簿中没有编号为 {serial} 的证明")
    template = active_template(session, entry.template_code)
    spec = spec_of(template)
    payload = entry.qr_payload
    code = verification_code_of(entry)
    community = current_community(session)
    centre = centre_name(community)
    headed = centre_headed(session, spec, community)
    pdf = renderer.render(
        RenderJob(headed, _from_json(spec, entry.fields), serial, payload, code, centre, entry.issue_date)
    )
    record_reprint(session, serial, actor, hashlib.sha256(pdf).hexdigest())
    return IssuedCertificate(serial, template.title, payload, code, pdf)


def issue_batch(
    session: Session,
    renderer: CertificateRenderer,
    *,
    template_code: str,
    residents: Iterable[Resident],
    staff_values: dict[str, object],
    actor: str,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> IssuedBatch:
    """One certificate per resident into one PDF (e.g. 高龄津贴 forms for everyone aged 80+).

    Values, serials and signatures are made here, in the caller's transaction, and the renderer
    draws the pages; each certificate is registered as its page is drawn. What is printed is the
    batch's PDF, so a certificate's own PDF is not drawn now: its register entry says so
    (``NOT_DRAWN``) and gets the hash with the first reprint, which draws it (drawing a thousand
    single PDFs besides the batch tripled its time; docs/PERFORMANCE.md). All or nothing: a cancel
    or an error leaves nothing registered (the caller rolls back).
    """
    today = today or dt.date.today()
    _refuse_computed(template_code, False)
    residents = list(residents)
    may_issue(session, actor, residents)
    template = active_template(session, template_code)
    spec = spec_of(template)
    community = current_community(session)
    keypair = ensure_keypair()
    ensure_trusted_own_key(session)
    decided: list[tuple[Resident, dict[str, object]]] = []
    for resident in residents:
        if cancelled and cancelled():
            raise BatchCancelled("已取消批量开具，未登记任何证明")
        if not resident.living:
            raise CertificateError(f"{resident.name}：{state_sentence(resident)}，不能开具证明")
        try:
            values = resolve(spec, prefill(session, template, resident, today), staff_values)
        except TemplateValueError as exc:
            raise CertificateError(f"{resident.name}：{_first_error(exc)}") from None
        _refuse_missing_glyphs(renderer, values)
        decided.append((resident, values))
    serials = next_serials(session, _serial_prefix(community, template), today.year, len(decided))
    jobs = [
        _signed(keypair, template, resident, values, serial, today)
        for (resident, values), serial in zip(decided, serials, strict=True)
    ]
    centre = centre_name(community)

    def register(index: int) -> None:
        """Runs as each certificate's page is drawn; the entries are written together at the end."""
        if cancelled and cancelled():
            raise BatchCancelled("已取消批量开具，未登记任何证明")
        _register(
            session,
            template,
            jobs[index],
            None,
            keypair,
            actor=actor,
            channel="batch",
            today=today,
            flush=False,
        )
        if progress:
            progress(index + 1, len(jobs))

    headed = centre_headed(session, spec, community)
    with session.no_autoflush:  # one INSERT of many rows at the end, not two statements a page
        pdf = renderer.render_batch([job.job(headed, centre, today) for job in jobs], register)
    session.flush()
    return IssuedBatch(serials, pdf)


def may_issue(session: Session, actor: str, residents: list[Resident]) -> None:
    """Raise CertificateError unless the account behind ``actor`` may issue certificates (not
    the back office) for every one of ``residents`` (a grid worker: residents of their grids)."""
    try:
        require(session, actor, "certificate.issue")
    except NotPermitted as exc:
        raise CertificateError(str(exc)) from None
    scope = scope_for(session, actor)
    if scope.whole_street:
        return
    outside = [r for r in residents if not scope.allows_resident(session, r)]
    if outside:
        raise CertificateError(f"{outside[0].name}：{OUT_OF_SCOPE}，不能为其开具证明")


class _Signed(NamedTuple):
    """A certificate decided and signed, not yet drawn or registered."""

    resident: Resident
    values: dict[str, object]
    serial: str
    payload: str
    code: str

    def job(self, spec: TemplateSpec, centre: str, issue_date: dt.date) -> RenderJob:
        return RenderJob(spec, self.values, self.serial, self.payload, self.code, centre, issue_date)


def centre_headed(session: Session, spec: TemplateSpec, community) -> TemplateSpec:
    """``spec`` with the centre's own certificate heading where the template sets none."""
    heading = certificate_texts(session, community).heading
    if spec.heading is None and heading:
        return dataclasses.replace(spec, heading=heading)
    return spec


def _sign(
    session: Session, keypair, community, template, resident: Resident, values, today: dt.date
) -> _Signed:
    serial = next_serial(session, _serial_prefix(community, template), today.year)
    return _signed(keypair, template, resident, values, serial, today)


def _serial_prefix(community, template: CertificateTemplate) -> str:
    # The community's short code leads the serial: centres of one street share the street
    # office's register, and TYJZ2026… cannot collide with XHJZ2026….
    return f"{community.short_code}{template.serial_prefix}"


def _signed(keypair, template, resident: Resident, values, serial: str, today: dt.date) -> _Signed:
    payload, code = sign_payload(keypair, serial, template.code, today, resident.id_number)
    return _Signed(resident, values, serial, payload, code)


def _register(
    session: Session,
    template: CertificateTemplate,
    signed: _Signed,
    pdf: bytes | None,  # None: issued in a batch, its own PDF not drawn
    keypair,
    *,
    actor: str,
    channel: str,
    today: dt.date,
    case_id: int | None = None,
    flush: bool = True,
) -> None:
    record_issue(
        session,
        template=template,
        serial=signed.serial,
        resident=signed.resident,
        fields=_json_safe(signed.values),
        issue_date=today,
        actor=actor,
        channel=channel,
        key_id=keypair.key_id,
        qr_payload=signed.payload,
        pdf_sha256=NOT_DRAWN if pdf is None else hashlib.sha256(pdf).hexdigest(),
        case_id=case_id,
        flush=flush,
    )


def verification_code_of(entry: Certificate) -> str:
    from app.services.certificates.signing import parse_payload

    return verification_code(parse_payload(entry.qr_payload).signature)


def _refuse_computed(template_code: str, computed: bool) -> None:
    if template_code in COMPUTED_TEMPLATES and not computed:
        raise CertificateError(COMPUTED_TEMPLATES[template_code])


def _refuse_missing_glyphs(renderer: CertificateRenderer, values: dict[str, object]) -> None:
    missing = renderer.missing_glyphs(values)
    if missing:
        parts = "；".join(f"{field}：{'、'.join(chars)}" for field, chars in missing.items())
        raise CertificateError(f"以下文字字库中没有，打印会成空白方框，请改写后再开具（{parts}）")


def _first_error(exc: TemplateValueError) -> str:
    return next(iter(exc.errors.values()), str(exc))


def _json_safe(values: dict[str, object]) -> dict[str, object]:
    def convert(value):
        if isinstance(value, dt.date):
            return {"__date__": value.isoformat()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        return value

    return {k: convert(v) for k, v in values.items()}


def _from_json(spec, stored: dict[str, object]) -> dict[str, object]:
    def convert(value):
        if isinstance(value, dict) and set(value) == {"__date__"}:
            return dt.date.fromisoformat(value["__date__"])
        if isinstance(value, list):
            return [convert(v) for v in value]
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        return value

    return {k: convert(v) for k, v in stored.items()}
