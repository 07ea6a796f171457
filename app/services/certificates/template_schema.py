"""The vocabulary of a template file (resources/templates/*.yaml): the keys, kinds, types, sources
and patterns a definition may use.

Both the checks (:mod:`app.services.certificates.template_checks`) and the typed view
(:mod:`app.services.certificates.template_spec`) read it, and the typed view runs the checks, so
the vocabulary sits below both and neither needs the other's names.
"""

from __future__ import annotations

import re

KINDS = ("certificate", "form")
TYPES = ("text", "date", "number", "choice", "multiline")
SOURCES = frozenset(
    [f"resident.{k}" for k in ("name", "sex", "age", "birth_date", "ethnicity", "id_number", "phone")]
    + ["resident.hukou_address", "resident.current_address", "resident.relation_to_head"]
    + [f"household.{k}" for k in ("label", "head", "size")]
    + ["building.name", "building.address", "grid.name", "grid.leader", "grid.leader_phone", "grid.hotline"]
    + ["community.name", "street.name", "computed.issue_date_cn", "computed.age", "computed.today"]
    + ["centre.issuer"]  # the 落款 the centre set (社区名 + 居民委员会 unless it set another)
)
CENTRE_ISSUER = "centre.issuer"
"""Where a field's value comes from, besides ``staff`` (typed at the desk)."""
MEMBERS_SOURCE = "household.members"
MEMBER_KEYS = ("index", "name", "relation_to_head", "sex", "age", "id_number")
BODY_STYLES = ("body", "salutation", "plain")
TOP_KEYS = frozenset(
    [
        "code",
        "title",
        "subtitle",
        "serial_prefix",
        "version",
        "kind",
        "self_service",
        "follows",
        "heading",
        "description",
        "fields",
        "body",
        "tables",
        "signature",
        "sign_rows",
        "stub",
        "footer",
    ]
)
FIELD_KEYS = frozenset(
    [
        "name",
        "label",
        "source",
        "required",
        "type",
        "choices",
        "max_length",
        "default",
        "editable",
        "hint",
        "suggestions",
        "min",
        "max",
    ]
)
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.]*)\}")
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
CODE_PATTERN = re.compile(r"[A-Z][A-Z0-9]{1,9}")
PREFIX_PATTERN = re.compile(r"[A-Z]{2,4}")
PHOTO_ROWS = 4  # rows printed beside a table's photo box
DEFAULT_MAX_LENGTH = {"text": 200, "multiline": 2000, "choice": 100, "date": 30, "number": 30}


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)
