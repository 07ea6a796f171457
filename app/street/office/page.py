"""Renders the street office's pages from app/street/templates (office_*.html). Autoescape is on:
everything shown comes from the communities' desks or from a form, and is shown as text."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

_templates = Environment(
    loader=PackageLoader("app.street", "templates"),
    autoescape=True,
    undefined=StrictUndefined,  # a misspelt name fails the page instead of showing nothing
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(name: str, **context) -> str:
    return _templates.get_template(name).render(**context)
