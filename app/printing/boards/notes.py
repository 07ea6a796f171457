"""The small print of a staff card: the sending organisation (派出单位) and the duty (职责).

Both are read from a step or two away, so they are never set below :data:`NOTE_FLOOR_PT` printed
points, whatever the paper and font factor. What does not fit at a readable size is shortened
first (an organisation loses what the reader already knows: a note in brackets, the city and
district the board stands in, a company's legal form, the parent offices before the unit itself)
and only then, as the last resort, cut with an ellipsis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.printing.boards.text import ELLIPSIS, ellipsize, size_box, wrap, wrap_balanced

NOTE_FLOOR_PT = 7.0  # printed points: nothing on a card's small print is smaller
NOTE_LEADING = 1.22
ORGANISATION_LINES = 2
RUN_ON = "\u3000"  # between an organisation and the duty it runs on into

_BRACKETS = re.compile(r"[（(][^（）()]*[）)]")
# A leading province, city and district or county: 陕西省, 铜川市, 西安市碑林区, 王益区. 市 before
# 场政容民 starts a word (市场监督管理局), after 城 ends one (城市管理); 区 after 社小园景片街校 ends
# one (社区, 小区).
_PLACE = r"(?:(?![省市区县旗])[\u4e00-\u9fff])"
_REGION = re.compile(
    rf"^(?:{_PLACE}{{2,7}}?(?:省|自治区))?"
    rf"(?:{_PLACE}{{1,6}}?(?<!城)市(?![场政容民]))?"
    rf"(?:{_PLACE}{{1,6}}?(?<![社小园景片街校厂矿])(?:区|县|旗)(?![域划]))?"
)
_LEGAL_FORM = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团公司)$")
# Offices above the unit that a resident asks for: 公安局 in 公安局王益分局桃园派出所.
_PARENT_OFFICE = re.compile(r"(?:分局|局|委员会|办事处|人民政府|集团)")
_MIN_REST = 3  # a short form keeps at least this many characters


def short_forms(name: str) -> list[str]:
    """``name`` and ever shorter forms of it, longest first, each distinct and never empty:
    铜川市公安局王益分局桃园派出所 → 公安局王益分局桃园派出所 → 王益分局桃园派出所 → 桃园派出所."""
    forms = [name.strip()]

    def add(form: str) -> None:
        form = form.strip(" ·、，")
        if len(form) >= _MIN_REST and form not in forms:
            forms.append(form)

    add(_BRACKETS.sub("", forms[-1]))
    region = _REGION.match(forms[-1])
    if region and region.end():
        add(forms[-1][region.end() :])
    add(_LEGAL_FORM.sub("公司", forms[-1]))
    current = forms[-1]
    for office in _PARENT_OFFICE.finditer(current):
        add(current[office.end() :])
    return forms


@dataclass(frozen=True)
class Notes:
    """What a card prints under its phone, at one size: each line as its organisation part and
    its duty part (the organisation's own lines have no duty part; run on, a line may have both)."""

    size: float
    lines: list[tuple[str, str]]
    cut: bool = False  # something ends with … or had no line at all

    @property
    def organisation(self) -> str:
        return "".join(org for org, _ in self.lines)

    @property
    def duty(self) -> str:
        return "".join(duty for _, duty in self.lines).strip()


def note_sizes(start: float, floor: float, step: float = 0.5) -> list[float]:
    """``start`` down to ``floor`` (never below :data:`NOTE_FLOOR_PT`), the last step landing on it."""
    floor = max(floor, NOTE_FLOOR_PT)
    sizes, size = [], max(start, floor)
    while size > floor + 1e-6:
        sizes.append(size)
        size -= step
    return [*sizes, floor]


def lines_in(height: float, size: float, leading: float = NOTE_LEADING) -> int:
    """How many lines of ``size`` fit ``height``."""
    if height + 0.01 < size_box(size):
        return 0
    return int((height + 0.01 - size_box(size)) // (size * leading)) + 1


def fit_one_line(name: str, width: float, sizes: list[float]) -> tuple[float, str] | None:
    """The largest size and the fullest form of ``name`` that fit one line, or None."""
    for size in sizes:
        for form in short_forms(name):
            if len(wrap(form, size, width)) == 1:
                return size, form
    return None


def fit_notes(organisation: str, duty: str, width: float, height: float, sizes: list[float]) -> Notes:
    """Organisation and duty in a box ``width`` x ``height``, at the largest of ``sizes`` at which
    both fit whole: the organisation on its own lines (at most two) above the duty, or run on
    into it (城市管理执法局　负责……), in the fullest of its :func:`short_forms` that fits. At the
    smallest size the shortest form runs on and the last line ends with … ."""
    forms = short_forms(organisation) if organisation else [""]
    for size in sizes:
        room = lines_in(height, size)
        duty_lines = wrap_balanced(duty, size, width) if duty else []
        for form in forms:
            org_lines = wrap_balanced(form, size, width) if form else []
            if len(org_lines) <= ORGANISATION_LINES and len(org_lines) + len(duty_lines) <= room:
                return Notes(size, [(line, "") for line in org_lines] + [("", line) for line in duty_lines])
            if form and duty:
                lines = wrap_balanced(form + RUN_ON + duty, size, width)
                if len(lines) <= room:
                    return Notes(size, _split(lines, form))
    size, room = sizes[-1], lines_in(height, sizes[-1])
    text = RUN_ON.join(part for part in (forms[-1], duty) if part)
    lines = wrap(text, size, width)
    if len(lines) <= room:
        return Notes(size, _split(lines, forms[-1]))
    lines = lines[:room]
    if lines:
        lines[-1] = ellipsize(lines[-1], size, width)
    return Notes(size, _split(lines, forms[-1]), cut=True)


def _split(lines: list[str], organisation: str) -> list[tuple[str, str]]:
    """Each line of a run-on text as (the organisation's part, the duty's part)."""
    parts, rest = [], organisation
    for line in lines:
        rest = rest.lstrip()
        n = 0
        while n < min(len(line), len(rest)) and line[n] == rest[n]:
            n += 1
        parts.append((line[:n], line[n:]))
        rest = rest[n:]
    return parts


def shortest_lines(forms: list[str], size: float, width: float, max_lines: int) -> list[str]:
    """The fullest form in ``max_lines`` lines, else the shortest form cut to them."""
    if not forms or max_lines <= 0:
        return []
    for form in forms:
        lines = wrap(form, size, width)
        if len(lines) <= max_lines:
            return lines
    lines = wrap(forms[-1], size, width)[:max_lines]
    if not lines[-1].endswith(ELLIPSIS):
        lines[-1] = ellipsize(lines[-1], size, width)
    return lines
