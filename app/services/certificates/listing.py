"""The templates as the desk and the command line list them: the choices of a combo box, and the
stored definitions for export. Views and commands build no queries of their own; they read these,
so a template's visibility (active or not, in which order) is decided in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CertificateTemplate
from app.services.certificates.template_spec import FieldSpec
from app.services.certificates.templates import spec_of

# Templates whose values a use case works out from its own records (the volunteer hours from the
# sign-in register), issued only through it: the desk's certificate dialog, batches and the
# catalogue do not offer them, where the values would be typed by hand.
COMPUTED_TEMPLATES: dict[str, str] = {
    "ZYSC": "志愿服务时长证明由志愿服务记录生成，请在“志愿服务”页或用 yichuang volunteer certificate 开具"
}


class TemplateChoice(NamedTuple):
    code: str
    title: str


@dataclass(frozen=True, slots=True)
class StoredTemplate:
    code: str
    title: str
    serial_prefix: str
    follows: str
    version: int
    active: bool
    definition: dict[str, Any]


def active_templates(session: Session) -> list[TemplateChoice]:
    """The templates that may be issued by hand, by code."""
    stmt = (
        select(CertificateTemplate.code, CertificateTemplate.title)
        .where(
            CertificateTemplate.active.is_(True), CertificateTemplate.code.not_in(list(COMPUTED_TEMPLATES))
        )
        .order_by(CertificateTemplate.code)
    )
    return [TemplateChoice(code, title) for code, title in session.execute(stmt)]


def staff_fields(session: Session, code: str) -> list[FieldSpec]:
    """The fields of template ``code`` that staff fill in (the rest come from the lookup): what a
    batch asks once for every form."""
    template = session.get(CertificateTemplate, code)
    return [f for f in spec_of(template).fields if f.from_staff] if template is not None else []


def stored_templates(session: Session) -> list[StoredTemplate]:
    """Every template, retired ones too (the register still lists what was issued on them), by
    code."""
    return [
        _stored(t) for t in session.scalars(select(CertificateTemplate).order_by(CertificateTemplate.code))
    ]


def stored_template(session: Session, code: str) -> StoredTemplate | None:
    template = session.get(CertificateTemplate, code)
    return _stored(template) if template is not None else None


def _stored(t: CertificateTemplate) -> StoredTemplate:
    return StoredTemplate(t.code, t.title, t.serial_prefix, t.follows, t.version, t.active, t.definition)
