"""Certificates issued and voided in a period, by template. A certificate is in a grid's scope
through its holder's household; one with no holder on the population base counts for the whole
centre only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.models import Building, Certificate, CertificateTemplate, Household, Resident
from app.services.admin.scope import WHOLE_STREET, Scope
from app.services.reports.figures import Figure
from app.services.reports.periods import Period


@dataclass(frozen=True, slots=True)
class TemplateCount:
    template: str  # code
    title: str
    issued: int
    voided: int

    def figures(self) -> list[Figure]:
        return [
            Figure("certificates.issued", self.issued, "template", self.template, self.title),
            Figure("certificates.voided", self.voided, "template", self.template, self.title),
        ]


@dataclass(frozen=True, slots=True)
class CertificateReport:
    period: Period
    templates: tuple[TemplateCount, ...]

    @property
    def issued(self) -> int:
        return sum(t.issued for t in self.templates)

    @property
    def voided(self) -> int:
        return sum(t.voided for t in self.templates)

    def figures(self) -> list[Figure]:
        out = [Figure("certificates.issued", self.issued), Figure("certificates.voided", self.voided)]
        for template in self.templates:
            out.extend(template.figures())
        return out


def certificate_report(session: Session, period: Period, *, scope: Scope = WHOLE_STREET) -> CertificateReport:
    """Issued: ``issue_date`` in the period (voided later or not). Voided: voided in the period."""
    start, end = period.utc_bounds

    def per_template(condition) -> dict[str, int]:
        stmt = select(Certificate.template_code, func.count(Certificate.id)).where(condition)
        if not scope.whole_street:
            stmt = (
                stmt.join(Resident, Resident.id == Certificate.resident_id)
                .join(Household, Household.id == Resident.household_id)
                .join(Building, Building.id == Household.building_id)
                .where(scope.grid_filter(Building.grid_id))
            )
        return dict(session.execute(stmt.group_by(Certificate.template_code)).all())

    issued = per_template(Certificate.issue_date.between(period.start, period.end))
    voided = per_template(
        and_(Certificate.status == "voided", Certificate.voided_at >= start, Certificate.voided_at < end)
    )
    titles = dict(session.execute(select(CertificateTemplate.code, CertificateTemplate.title)).all())
    codes = sorted(set(issued) | set(voided))
    return CertificateReport(
        period,
        tuple(TemplateCount(c, titles.get(c, c), issued.get(c, 0), voided.get(c, 0)) for c in codes),
    )
