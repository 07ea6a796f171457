"""The street office's read-only overview (GET /street), server-rendered without script from the
Jinja2 templates in app/street/templates. Autoescape is on: names and case numbers come from the
communities' desks and are shown as text, never read as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from app.services.cases.workflow import STATUSES
from app.street.models import StreetCase

STATUS_LABELS = STATUSES  # the same names the desks show

_templates = Environment(
    loader=PackageLoader("app.street", "templates"),
    autoescape=True,
    undefined=StrictUndefined,  # a misspelt name fails the page instead of showing nothing
    trim_blocks=True,
    lstrip_blocks=True,
)


def label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def render_page(summary: dict[str, Any], cases: Sequence[StreetCase]) -> str:
    """``summary`` as admin.summary gives it; ``cases`` as admin.list_cases does."""
    known = list(STATUS_LABELS)
    statuses = sorted(
        {s for c in summary["communities"] for s in c["counts"]},
        key=lambda s: known.index(s) if s in STATUS_LABELS else 99,
    )
    return _templates.get_template("street.html").render(
        today=summary["today"],
        statuses=[(s, label(s)) for s in statuses],
        communities=summary["communities"],
        overdue=summary["overdue"],
        cases=cases,
        label=label,
    )
