"""Finding service items as the staff type: hanzi, pinyin initials (jzzm) or full pinyin (juzhu).

The catalogue is small (hundreds of items) and searched on every keystroke, so it is held in
memory as plain records and matched there; the database is read once per index.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.models import ServiceItem


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    name: str
    category: str
    category_code: str
    promised_days: int
    materials: tuple[str, ...]
    department: str
    self_service: bool
    template: str | None
    basis: str
    notes: str
    pinyin_initials: str
    pinyin_full: str

    def as_json(self) -> dict:
        """The shape ``yichuang catalogue`` prints (DESIGN.md's contract plus a few extras)."""
        data = asdict(self)
        data["materials"] = list(self.materials)
        for key in ("pinyin_initials", "pinyin_full"):
            data.pop(key)
        return data


def _entry(item: ServiceItem) -> CatalogueEntry:
    return CatalogueEntry(
        code=item.code,
        name=item.name,
        category=item.category.name,
        category_code=item.category_code,
        promised_days=item.promised_days,
        materials=tuple(item.materials or ()),
        department=item.department,
        self_service=item.self_service,
        template=item.template_code,
        basis=item.basis,
        notes=item.notes,
        pinyin_initials=item.pinyin_initials,
        pinyin_full=item.pinyin_full,
    )


class CatalogueIndex:
    """The active items in catalogue order, searchable without touching the database."""

    def __init__(self, entries: list[CatalogueEntry]):
        self.entries = entries

    @classmethod
    def load(cls, session: Session) -> CatalogueIndex:
        stmt = (
            select(ServiceItem)
            .where(ServiceItem.active.is_(True))
            .options(joinedload(ServiceItem.category))
            .order_by(ServiceItem.sort_order, ServiceItem.code)
        )
        return cls([_entry(item) for item in session.scalars(stmt)])

    def search(self, text: str, limit: int | None = None) -> list[CatalogueEntry]:
        """Matching entries, best first: name or initials starting with the query, then any
        match inside the name, the initials, the full pinyin or the code."""
        query = "".join(text.split()).lower()
        if not query:
            return self.entries[:limit] if limit else list(self.entries)
        ranked: list[tuple[int, int, CatalogueEntry]] = []
        for position, entry in enumerate(self.entries):
            rank = _rank(entry, query)
            if rank is not None:
                ranked.append((rank, position, entry))
        ranked.sort(key=lambda r: (r[0], r[1]))
        found = [entry for _, _, entry in ranked]
        return found[:limit] if limit else found


def _rank(entry: CatalogueEntry, query: str) -> int | None:
    name = entry.name.lower()
    if name.startswith(query) or entry.pinyin_initials.startswith(query):
        return 0
    if entry.pinyin_full.startswith(query):
        return 1
    if query in name or query in entry.pinyin_initials:
        return 2
    if query in entry.pinyin_full or query == entry.code.lower():
        return 3
    return None
