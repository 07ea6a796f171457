"""Finding a person without the card: by name (hanzi, full pinyin, pinyin initials), by phone (any
run of at least four digits, the last four among them), by address (3号楼2单元502, or just 502),
narrowed by grid, tag, state and the searcher's Scope.

The index, chosen for a million residents within 50 ms (docs/PERFORMANCE.md):

- **Names** are searched by prefix, so ordinary B-tree indexes answer them: ``residents.name``
  (张伟 → every 张伟…), and two derived columns, ``name_pinyin`` (zhangwei) and
  ``name_initials`` (zw), filled by ``app.models.resident_keys.search_keys`` on every write. A
  prefix becomes an index range (``col >= 'zw' AND col < 'zx'``), read in index order and cut at
  the limit, so even a one-letter search costs 201 index steps, not a scan.
- **Phones** are searched anywhere inside the number (1234 may be the middle), which no B-tree
  can answer. An FTS5 table with the trigram tokenizer over the derived ``phone_digits`` does:
  each run of three digits is a term, a longer run a phrase of them. It is external-content
  (it stores no second copy of the numbers) and triggers keep it current, whoever writes.
  Names stay on B-trees: trigrams cannot match two-character names such as 张伟, the commonest.
- **Addresses** go through ``households.room`` (indexed) and ``households.building_id``; the
  building's name is matched by its ending (3号楼 finds 锦绣苑3号楼, not 13号楼).

- **Within grids** (a grid worker's Scope, the grid filter): the resident row carries its grid
  (``residents.grid_id``, kept by triggers whoever moves a person, a household or a building:
  migration 0024), and (grid, initials), (grid, pinyin) and (grid, name) are indexed, so a name
  searched within grids reads only the grids' part of its range instead of checking the street's
  zh… one by one against a join through household and building.

Several words (张 502) are ANDed: the narrowest word drives the query through its index, the
others filter its rows. Each way a word can match (initials or full pinyin; phone or room) is its
own query with its own limit, and the answers are merged, so every query reads one index range.
Tag, state and the Scope are checked on each row the word's index yields, unless one of them
holds fewer residents than the word's range: then it drives (app.services.population.search_plan).
Rows carry the ID number masked; showing a list is audited with ``list_found``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, column, exists, false, or_, select, text, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from app.models import RESIDENT_STATES, Building, Grid, Household, Resident, Tag, resident_tags
from app.services.admin.scope import Scope
from app.services.common import audit
from app.services.common.idcard import mask
from app.services.population.search_plan import (
    RARE_NAME,
    Confinement,
    driving,
    fewer_than,
    households_in,
    in_grids,
    in_state,
    with_tag,
)
from app.services.population.search_terms import (
    MAX_ROOM_DIGITS,
    MIN_PHONE_DIGITS,
    Address,
    Term,
    has_hanzi,
    phone_match,
    terms_of,
    upper_bound,
)

DEFAULT_LIMIT = 200
MAX_LIMIT = 1000


class SearchError(ValueError):
    """A search that cannot be run, in one sentence for the person (unknown grid or tag …)."""


@dataclass(frozen=True, slots=True)
class ResidentQuery:
    text: str = ""
    grid_code: str | None = None
    tag_code: str | None = None
    state: str | None = None  # living, moved or dead; None: all
    limit: int = DEFAULT_LIMIT

    @property
    def filtered(self) -> bool:
        return bool(self.grid_code or self.tag_code or self.state)


@dataclass(frozen=True, slots=True)
class ResidentHit:
    """One found person. ``id_number`` is masked; ``resident_id`` opens the person (audited)."""

    resident_id: int
    name: str
    sex: str  # male / female
    birth_date: dt.date
    age: int
    id_number: str  # masked
    phone: str  # as registered: a screen masks it for roles without full access
    address: str
    grid_code: str | None
    state: str  # living / moved / dead

    @property
    def state_name(self) -> str:
        return RESIDENT_STATES.get(self.state, self.state)


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: tuple[ResidentHit, ...]
    more: bool  # there were more than the limit: the person should narrow the search


def search_residents(
    session: Session, query: ResidentQuery, *, scope: Scope, today: dt.date | None = None
) -> SearchResult:
    """Residents matching ``query`` within ``scope``, at most ``query.limit``. Not audited: a
    caller that shows the rows uses :func:`list_found`."""
    today = today or dt.date.today()
    limit = max(1, min(query.limit, MAX_LIMIT))
    terms = terms_of(query.text)
    if not terms and not query.filtered:
        raise SearchError("请输入姓名、拼音、电话号码或住址，或选择网格、标签、状态")
    extra, confinements = _filters(session, query, today)
    filters = [_scope_filter(scope), *extra]
    grids = _grids_of(session, query, scope)
    if grids is not None:
        confinements.append(in_grids(grids))
    if not terms:
        drives = driving(session, confinements, [true()])
        if drives is not None:
            filters.append(drives.indexed)
        return _collect(session, [_base().where(*filters).order_by(Resident.id)], limit, today)
    driver = _rare_name_first(session, terms, min(terms, key=lambda t: t.selectivity), grids)
    for other in terms:
        if other is not driver:
            filters.append(or_(*_alternatives(session, other, for_filter=True, grids=grids)))
    alternatives = _alternatives(session, driver, for_filter=False, grids=grids)
    drives = driving(session, confinements, alternatives)  # app.services.population.search_plan
    if drives is not None:
        filters.append(drives.indexed)
    branches = [_base().where(alt, *filters) for alt in alternatives]
    return _collect(session, branches, limit, today)


def _rare_name_first(session: Session, terms: list[Term], driver: Term, grids) -> Term:
    """A room drives before a surname (王 502: the street's 王 are 70,000), unless the name is
    rare: 白 101 would walk the street's every 101 to find 170 白; its 3,000 白 checked for their
    room are the shorter way."""
    if driver.kind not in ("digits", "address") or driver.selectivity < 4:
        return driver
    for term in terms:
        alternatives = _alternatives(session, term, for_filter=False, grids=grids)
        if term.kind in ("name", "latin") and fewer_than(session, alternatives, RARE_NAME):
            return term
    return driver


def list_found(
    session: Session,
    query: ResidentQuery,
    *,
    scope: Scope,
    actor: str,
    what: str = "按姓名、电话或住址查找居民",
    today: dt.date | None = None,
) -> SearchResult:
    """The search, with one audit entry for the list shown (the caller commits)."""
    result = search_residents(session, query, scope=scope, today=today)
    audit.record_list(
        session, actor=actor, action="search", shown=len(result.hits), what=what, search=query.text
    )
    return result


def id_number_for(session: Session, resident_id: int, *, scope: Scope) -> str:
    """The full ID number of a found person, to open them with the audited lookup; refused
    outside ``scope`` (a row of another grid's list cannot be opened by guessing its key)."""
    number = session.scalar(
        select(Resident.id_number).where(Resident.id == resident_id, scope.resident_filter())
    )
    if number is None:
        raise SearchError("没有找到这位居民，或不在您负责的网格内")
    return number


def _grids_of(session: Session, query: ResidentQuery, scope: Scope) -> frozenset[int] | None:
    """The grids the search is confined to (the grid filter within the scope); None: the street."""
    if not query.grid_code:
        return scope.grid_ids
    grid_id = session.scalar(select(Grid.id).where(Grid.code == query.grid_code.strip()))
    grids = frozenset({grid_id}) if grid_id is not None else frozenset()
    return grids if scope.grid_ids is None else grids & scope.grid_ids


# --- the query ------------------------------------------------------------------------------
_COLUMNS = (
    Resident.id,
    Resident.name,
    Resident.sex,
    Resident.birth_date,
    Resident.id_number,
    Resident.phone,
    Resident.state,
    Resident.current_address,
    Resident.name_pinyin,
    Household.unit,
    Household.room,
    Building.name.label("building"),
    Grid.code.label("grid_code"),
)


def _base() -> Select:
    return (
        select(*_COLUMNS)
        .select_from(Resident)
        .outerjoin(Household, Resident.household_id == Household.id)
        .outerjoin(Building, Household.building_id == Building.id)
        .outerjoin(Grid, Building.grid_id == Grid.id)
    )


def _collect(session: Session, branches: list[Select], limit: int, today: dt.date) -> SearchResult:
    found: dict[int, object] = {}
    more = False
    for branch in branches:
        rows = session.execute(branch.limit(limit + 1)).all()
        more = more or len(rows) > limit
        for row in rows:
            found.setdefault(row.id, row)
    rows = sorted(found.values(), key=lambda r: (r.name_pinyin, r.name, r.id))
    more = more or len(rows) > limit
    return SearchResult(tuple(_hit(row, today) for row in rows[:limit]), more)


def _hit(row, today: dt.date) -> ResidentHit:
    born = row.birth_date
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if row.building is not None:
        address = f"{row.building}{row.unit}单元{row.room}室"
    else:
        address = row.current_address or ""
    return ResidentHit(
        resident_id=row.id,
        name=row.name,
        sex=row.sex,
        birth_date=born,
        age=age,
        id_number=mask(row.id_number),
        phone=row.phone,
        address=address,
        grid_code=row.grid_code,
        state=row.state,
    )


def _prefix(col, prefix: str) -> ColumnElement[bool]:
    return (col >= prefix) & (col < upper_bound(prefix))


def _alternatives(
    session: Session, term: Term, *, for_filter: bool, grids: frozenset[int] | None = None
) -> list[ColumnElement[bool]]:
    """The ways ``term`` can match, each answerable from one index."""
    if term.kind == "id":
        return [Resident.id_number == term.text]
    if term.kind == "latin":
        return [
            _name_prefix(Resident.name_initials, term.text, grids, for_filter),
            _name_prefix(Resident.name_pinyin, term.text, grids, for_filter),
        ]
    if term.kind == "digits":
        alts = []
        if len(term.text) >= MIN_PHONE_DIGITS:
            alts.append(_phone(term.text, for_filter))
        if len(term.text) <= MAX_ROOM_DIGITS:
            alts.append(_address(session, Address(None, None, term.text), grids, for_filter))
        return alts
    alts = []
    if term.kind == "address":
        alts.append(_address(session, term.address, grids, for_filter))
    if has_hanzi(term.text) and not any(ch.isdigit() for ch in term.text):
        alts.append(_name_prefix(Resident.name, term.text, grids, for_filter))
    return alts or [false()]


def _name_prefix(col, prefix: str, grids: frozenset[int] | None, for_filter: bool) -> ColumnElement[bool]:
    """A name prefix; within grids, the grid and the prefix together, read as one range of the
    (grid_id, col) index: the grid's 200 zha… instead of the street's 60,000 checked one by one."""
    condition = _prefix(col, prefix)
    if grids is None or for_filter:
        return condition
    return Resident.grid_id.in_(sorted(grids)) & condition if grids else false()


def _phone(digits: str, for_filter: bool) -> ColumnElement[bool]:
    if for_filter:  # checks rows another word found: no need for the index
        return Resident.phone_digits.contains(digits, autoescape=True)
    matches = text("SELECT rowid FROM resident_phones WHERE resident_phones MATCH :phone").bindparams(
        phone=phone_match(digits)
    )
    return Resident.id.in_(matches.columns(column("rowid")))


def _address(
    session: Session, address: Address, grids: frozenset[int] | None, for_filter: bool = False
) -> ColumnElement[bool]:
    """Residents of the matching households; a confined search asks only its grids' households.
    As a filter it must not drive: the households are then a list the rows are checked against."""
    households = select(Household.id) if grids is None else households_in(grids)
    if address.building:
        ids = _buildings_ending(session, address.building)
        if not ids:
            return false()
        households = households.where(Household.building_id.in_(ids))
    if address.unit is not None:
        households = households.where(Household.unit == address.unit)
    if address.room:
        households = households.where(Household.room == address.room)
    return (_unindexed(Resident.household_id) if for_filter else Resident.household_id).in_(households)


def _buildings_ending(session: Session, name: str) -> list[int]:
    """Buildings called ``name`` or ending in it after a non-digit: 3号楼 is 锦绣苑3号楼, not 13号楼."""
    pattern = "%" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = session.execute(select(Building.id, Building.name).where(Building.name.like(pattern, escape="\\")))
    ids = []
    for building_id, full in rows:
        before = full[: len(full) - len(name)]
        if full == name or not (before[-1:].isdigit() and name[:1].isdigit()):
            ids.append(building_id)
    return ids


# Filters check the rows the word's index yields; they must not become the driver themselves.
# Without statistics SQLite takes any equality or IN on an indexed column for the narrower
# way in, and would walk every resident of a grid (or every party member) to find 200 名字
# starting with zw. A unary + keeps a column's index out of the plan; the grid is checked on the
# building row the query joins anyway, a tag by the primary key of resident_tags.


def _unindexed(column) -> ColumnElement:
    return UnaryExpression(column, operator=custom_op("+"))


def _scope_filter(scope: Scope) -> ColumnElement[bool]:
    """``scope.grid_filter`` on the joined building: the same rule as ``scope.resident_filter``
    (a resident is in the grids of their household's building), checked row by row."""
    return scope.grid_filter(_unindexed(Building.grid_id))


def _filters(
    session: Session, query: ResidentQuery, today: dt.date
) -> tuple[list[ColumnElement[bool]], list[Confinement]]:
    """Row-by-row checks, and the confinements that could drive instead (search_plan)."""
    filters: list[ColumnElement[bool]] = []
    confinements: list[Confinement] = []
    if query.state:
        if query.state not in RESIDENT_STATES:
            raise SearchError(f"状态只能是 {'、'.join(RESIDENT_STATES)}，不是“{query.state}”")
        filters.append(_unindexed(Resident.state) == query.state)
        confinements.append(in_state(query.state))
    if query.grid_code:
        grid_id = session.scalar(select(Grid.id).where(Grid.code == query.grid_code.strip()))
        if grid_id is None:
            raise SearchError(f"网格“{query.grid_code}”不存在")
        filters.append(_unindexed(Building.grid_id) == grid_id)
    if query.tag_code:
        tag = session.scalar(select(Tag).where(Tag.code == query.tag_code.strip()))
        if tag is None:
            raise SearchError(f"标签“{query.tag_code}”不存在")
        filters.append(_tag_filter(tag, today))
        if not tag.is_age_rule:
            confinements.append(with_tag(tag.id))
    return filters, confinements


def _tag_filter(tag: Tag, today: dt.date) -> ColumnElement[bool]:
    """An assigned tag through resident_tags; an age tag (高龄 …) through the birth date."""
    if not tag.is_age_rule:
        return exists().where(resident_tags.c.resident_id == Resident.id, resident_tags.c.tag_id == tag.id)
    condition = true()
    if tag.min_age is not None:
        condition = condition & (_unindexed(Resident.birth_date) <= _years_before(today, tag.min_age))
    if tag.max_age is not None:
        condition = condition & (_unindexed(Resident.birth_date) > _years_before(today, tag.max_age))
    return condition


def _years_before(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)
