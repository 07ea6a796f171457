"""Certificates a resident prints at the kiosk: which templates it offers, the daily limit, and
issuing one with every value from the population base. Nothing here commits: the screen commits
only after the printer took the document.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Certificate, CertificateTemplate, ServiceItem
from app.services.admin.restored import RestoredCopyError
from app.services.kiosk.common import (
    ACTOR,
    PAUSED,
    KioskError,
    get_resident,
    id_hash,
    load_settings,
    record,
)

if TYPE_CHECKING:
    from app.services.certificates.issue import CertificateRenderer, IssuedCertificate

# Staff fields the kiosk fills itself when the template gives no default.
KIOSK_VALUES: dict[str, str] = {"purpose": "自助打印"}


class KioskTemplate(NamedTuple):
    """A certificate the kiosk offers."""

    code: str
    title: str


def self_service_templates(session: Session) -> list[KioskTemplate]:
    """The the active templates marked self-service that an active self-service
    catalogue item produces, in catalogue order."""
    stmt = (
        select(CertificateTemplate)
        .join(ServiceItem, ServiceItem.template_code == CertificateTemplate.code)
        .where(
            CertificateTemplate.active.is_(True),
            ServiceItem.active.is_(True),
            ServiceItem.self_service.is_(True),
        )
        .order_by(ServiceItem.sort_order, ServiceItem.id)
    )
    from app.services.certificates.templates import spec_of

    found: dict[str, str] = {}
    for template in session.scalars(stmt):
        if template.code in found:
            continue
        try:
            spec = spec_of(template)
        except ValueError:  # a broken definition is the desk's problem, not the resident's
            continue
        if spec.self_service and not _needs_staff(spec):
            found[template.code] = template.title
    return [KioskTemplate(code, title) for code, title in found.items()]


def _needs_staff(spec) -> bool:
    """A required field only staff can fill (no default, nothing the kiosk may say itself) keeps
    a certificate at the window: offering it at the kiosk would only end in a refusal."""
    return any(
        f.from_staff
        and f.required
        and f.name not in KIOSK_VALUES
        and (f.default is None or not str(f.default).strip())
        for f in spec.fields
    )


def printed_today(session: Session, resident_id: int, today: dt.date) -> int:
    return session.scalar(
        select(func.count(Certificate.id)).where(
            Certificate.resident_id == resident_id,
            Certificate.channel == "kiosk",
            Certificate.issue_date == today,
        )
    )


def prints_left_today(session: Session, resident_id: int, today: dt.date) -> int:
    return max(0, load_settings(session).daily_print_limit - printed_today(session, resident_id, today))


def print_certificate(
    session: Session,
    renderer: CertificateRenderer,
    resident_id: int,
    template_code: str,
    *,
    today: dt.date | None = None,
) -> IssuedCertificate:
    """Issue a self-service certificate with every value from the population base; registered
    with channel "kiosk" and actor "kiosk". The caller sends ``.pdf`` to the printer and commits
    only when the printer accepted it (rolls back otherwise). Raises KioskError in plain words.
    """
    from app.services.certificates.issue import issue_certificate
    from app.services.certificates.register import CertificateError
    from app.services.certificates.templates import TemplateValueError, spec_of

    today = today or dt.date.today()
    if template_code not in dict(self_service_templates(session)):
        raise KioskError("这份证明不能在自助终端打印，请到窗口办理")
    resident = get_resident(session, resident_id)
    if not resident.living:  # moved away or died: the desk explains, the kiosk does not
        raise KioskError("您的登记信息已变更，此证明需到窗口办理")
    printed = printed_today(session, resident_id, today)
    if printed >= load_settings(session).daily_print_limit:
        raise KioskError(f"今天已打印{printed}份，已达上限，如还需要请到窗口办理")
    spec = spec_of(session.get(CertificateTemplate, template_code))
    staff_values: dict[str, object] = {
        f.name: KIOSK_VALUES[f.name]
        for f in spec.fields
        if f.from_staff and f.name in KIOSK_VALUES and (f.default is None or not str(f.default).strip())
    }
    try:  # values are checked before a serial is taken: a refusal here has written nothing
        issued = issue_certificate(
            session,
            renderer,
            template_code=template_code,
            resident=resident,
            staff_values=staff_values,
            actor=ACTOR,
            channel="kiosk",
            today=today,
        )
    except TemplateValueError:
        raise KioskError("您的登记信息还不完整，此证明需到窗口办理") from None
    except CertificateError:
        raise KioskError("此证明暂时不能自助打印，请到窗口办理") from None
    except RestoredCopyError:
        raise KioskError(PAUSED) from None
    record(
        session,
        "kiosk_print",
        hashed=id_hash(resident.id_number),
        resident_id=resident.id,
        detail=f"{template_code} {issued.serial}",
    )
    return issued
