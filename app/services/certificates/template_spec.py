"""Certificate and form templates (resources/templates/*.yaml) as a typed view.

A template is data an administrator may edit: :mod:`app.services.certificates.template_checks`
explains every mistake in Chinese, and :class:`TemplateSpec` is built only from a definition that
passed. Placeholders ``{name}`` in text name a field, or a non-staff source such as
``{community.name}`` (taken straight from the lookup); the names a file may use are in
:mod:`app.services.certificates.template_schema`. No Qt here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from app.services.certificates.template_checks import validate_definition
from app.services.certificates.template_schema import DEFAULT_MAX_LENGTH, MEMBERS_SOURCE, placeholders


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    source: str
    type: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    default: object = None
    editable: bool = False
    hint: str = ""
    suggestions: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None

    @property
    def from_staff(self) -> bool:
        return self.source == "staff"

    @property
    def limit(self) -> int | None:
        """The longest value accepted: explicit, or the type's default for what staff type."""
        if self.max_length is not None:
            return self.max_length
        return DEFAULT_MAX_LENGTH[self.type] if self.editable else None


@dataclass(frozen=True)
class Column:
    label: str
    key: str | None = None  # a member key, or None for a blank column to fill in by hand
    width_mm: float | None = None


@dataclass(frozen=True)
class MembersTable:
    columns: tuple[Column, ...]
    source: str = MEMBERS_SOURCE
    min_rows: int = 0


@dataclass(frozen=True)
class TableSpec:
    id: str
    title: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    members: MembersTable | None = None
    photo: bool = False


@dataclass(frozen=True)
class BodyPart:
    text: str = ""
    style: str = "body"
    table: str | None = None


@dataclass(frozen=True)
class Signature:
    issuer: str
    seal: bool = True
    seal_label: str = "（盖章）"


@dataclass(frozen=True)
class SignRow:
    label: str
    signer: str
    text: str = ""
    height_mm: float = 14


@dataclass(frozen=True)
class StubSpec:
    title: str
    body: tuple[str, ...]


@dataclass(frozen=True)
class TemplateSpec:
    """A validated template definition, typed (build with :meth:`from_definition`)."""

    code: str
    title: str
    serial_prefix: str
    follows: str
    kind: str
    version: int
    fields: tuple[FieldSpec, ...]
    subtitle: str = ""
    self_service: bool = False
    heading: str | bool | None = None  # None: the centre's name; False: none; str: this text
    body: tuple[BodyPart, ...] = ()
    tables: tuple[TableSpec, ...] = ()
    signature: Signature | None = None
    sign_rows: tuple[SignRow, ...] = ()
    stub: StubSpec | None = None
    footer: tuple[str, ...] = ()
    definition: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_definition(cls, definition: dict[str, Any]) -> TemplateSpec:
        """The typed view; raises ValueError with every problem if the definition is invalid."""
        problems = validate_definition(definition)
        if problems:
            raise ValueError("；".join(problems))
        d = definition
        signature = d.get("signature")
        stub = d.get("stub")
        return cls(
            code=d["code"],
            title=d["title"],
            serial_prefix=d["serial_prefix"],
            follows=d["follows"],
            kind=d["kind"],
            version=int(d.get("version", 1)),
            fields=tuple(_field(f) for f in d["fields"]),
            subtitle=d.get("subtitle", "") or "",
            self_service=bool(d.get("self_service", False)),
            heading=d.get("heading"),
            body=tuple(_body_part(p) for p in d.get("body") or ()),
            tables=tuple(_table(t) for t in d.get("tables") or ()),
            signature=Signature(**signature) if signature else None,
            sign_rows=tuple(_sign_row(r) for r in d.get("sign_rows") or ()),
            stub=StubSpec(stub["title"], tuple(stub["body"])) if stub else None,
            footer=tuple(d.get("footer") or ()),
            definition=definition,
        )

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def staff_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.editable)

    def texts(self) -> Iterator[str]:
        """Every piece of template text that may hold placeholders."""
        yield from (p.text for p in self.body if p.text)
        if self.stub:
            yield from self.stub.body
        if self.signature:
            yield self.signature.issuer
        yield from self.footer
        yield from (f.default for f in self.fields if isinstance(f.default, str))

    def uses(self, source: str) -> bool:
        """Whether a field or a text of the template takes ``source`` (e.g. ``centre.issuer``)."""
        return source in self.source_keys() or any(f.source == source for f in self.fields)

    def source_keys(self) -> list[str]:
        """Source paths the documents use directly (placeholders, members tables), in order."""
        keys = [p for text in self.texts() for p in placeholders(text) if "." in p]
        keys += [t.members.source for t in self.tables if t.members]
        return list(dict.fromkeys(keys))


def _field(spec: dict[str, Any]) -> FieldSpec:
    source = spec["source"]
    return FieldSpec(
        name=spec["name"],
        label=spec["label"],
        source=source,
        type=spec.get("type", "text"),
        required=bool(spec.get("required", False)),
        choices=tuple(spec.get("choices") or ()),
        max_length=spec.get("max_length"),
        default=spec.get("default"),
        editable=bool(spec.get("editable", source == "staff")),
        hint=spec.get("hint", "") or "",
        suggestions=tuple(spec.get("suggestions") or ()),
        min=spec.get("min"),
        max=spec.get("max"),
    )


def _body_part(part: str | dict[str, Any]) -> BodyPart:
    if isinstance(part, str):
        return BodyPart(part)
    if "table" in part:
        return BodyPart(table=part["table"])
    return BodyPart(part["text"], part.get("style", "body"))


def _table(spec: dict[str, Any]) -> TableSpec:
    members = spec.get("members")
    return TableSpec(
        id=spec["id"],
        title=spec.get("title", "") or "",
        rows=tuple(tuple(row) for row in spec.get("rows") or ()),
        members=MembersTable(
            columns=tuple(Column(c["label"], c.get("key"), c.get("width")) for c in members["columns"]),
            source=members.get("source", MEMBERS_SOURCE),
            min_rows=int(members.get("min_rows", 0)),
        )
        if members
        else None,
        photo=bool(spec.get("photo", False)),
    )


def _sign_row(spec: dict[str, Any]) -> SignRow:
    return SignRow(spec["label"], spec["signer"], spec.get("text", "") or "", float(spec.get("height", 14)))
