"""Measured text for the grid notice boards: which face draws each character, widths, wrapping
(CJK breaks anywhere, Latin words stay whole, no line starts with closing punctuation) and fitting
text into a width or a box by shrinking, wrapping and, at the smallest size, an ellipsis.

The sans face has no Latin letters or digits: those come from the Song face, run by run.
"""

from __future__ import annotations

import re

from reportlab.pdfbase.pdfmetrics import stringWidth

from app.printing.fonts import SANS, SONG, has_glyph, latin_face

ASCENT, DESCENT = 0.88, 0.16  # ink extent of a CJK line as fractions of the font size
ELLIPSIS = "…"
# A line never starts with these (避头点); wrapping carries the previous character along.
NO_LINE_START = set("，。、；：？！）》〉」』”’…％,.;:?!)]}%")
_TOKEN = re.compile(r"[A-Za-z0-9@._/+#&'\-]+|\s+|.", re.S)


_font_of: dict[str, str] = {}


def _font_for(char: str) -> str:
    font = _font_of.get(char)
    if font is None:
        # The sans face has no Latin letters or digits at all: those come from the Latin sans face
        # (a serif "1" in a bold sans "第1网格" looked borrowed); anything else it lacks from Song.
        font = latin_face(char, SANS) or (
            SANS if has_glyph(char, SANS) or not has_glyph(char, SONG) else SONG
        )
        _font_of[char] = font
    return font


def runs(text: str) -> list[tuple[str, str]]:
    """(font, text) pieces: each character in the sans face, else in the Song face."""
    pieces: list[tuple[str, str]] = []
    for char in text:
        font = _font_for(char)
        if pieces and pieces[-1][0] == font:
            pieces[-1] = (font, pieces[-1][1] + char)
        else:
            pieces.append((font, char))
    return pieces


_unit_widths: dict[str, float] = {}
_wrapped: dict[tuple[str, float, float], list[str]] = {}


def _unit_width(char: str) -> float:
    width = _unit_widths.get(char)
    if width is None:
        width = _unit_widths[char] = stringWidth(char, _font_for(char), 1000) / 1000
    return width


def text_width(text: str, size: float) -> float:
    """Width of ``text`` at ``size``: TrueType advances add up (reportlab does not kern)."""
    widths = _unit_widths
    return size * sum(widths[c] if c in widths else _unit_width(c) for c in text)


def wrap(text: str, size: float, width: float) -> list[str]:
    """Lines of ``text`` no wider than ``width``: CJK breaks anywhere, Latin words and numbers
    stay whole unless longer than a line, no line starts with closing punctuation."""
    key = (text, size, width)
    cached = _wrapped.get(key)
    if cached is None:
        if len(_wrapped) > 20_000:  # measuring repeats the same calls; a batch needs no more
            _wrapped.clear()
        cached = _wrapped[key] = _wrap(text, size, width)
    return list(cached)


def _wrap(text: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in re.split(r"\r\n|\r|\n", text.strip()):
        line, line_w = "", 0.0
        for token in _TOKEN.findall(paragraph):
            token_w = text_width(token, size)
            if line_w + token_w <= width:
                line, line_w = line + token, line_w + token_w
                continue
            if token.isspace():
                lines.append(line)
                line, line_w = "", 0.0
                continue
            if token in NO_LINE_START and len(line) > 1:
                lines.append(line[:-1])
                line = line[-1] + token
                line_w = text_width(line, size)
                continue
            if line.strip():
                lines.append(line)
            line, line_w = "", 0.0
            for char in token:  # a token longer than a line: break it
                char_w = text_width(char, size)
                if line and line_w + char_w > width:
                    lines.append(line)
                    line, line_w = "", 0.0
                line, line_w = line + char, line_w + char_w
        lines.append(line.rstrip())
    return [line for line in lines if line.strip()] or ([""] if not text.strip() else [])


def wrap_balanced(text: str, size: float, width: float, short: float = 0.4) -> list[str]:
    """:func:`wrap`, but when the last line would be under ``short`` of the width (负责……的发现与
    处 / 置。) the lines are made about as long as each other: as narrow as the same count allows."""
    lines = wrap(text, size, width)
    if len(lines) < 2 or text_width(lines[-1], size) >= short * width:
        return lines
    low, high = width * (len(lines) - 1) / len(lines), width
    for _ in range(12):
        middle = (low + high) / 2
        if len(wrap(text, size, middle)) > len(lines):
            low = middle
        else:
            high = middle
    return wrap(text, size, high)


def ellipsize(line: str, size: float, width: float) -> str:
    """``line`` cut and ended with … so that it fits ``width``."""
    while line and text_width(line + ELLIPSIS, size) > width:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS


def fit(
    text: str, width: float, size: float, min_size: float, max_lines: int = 1, step: float = 0.5
) -> tuple[float, list[str]]:
    """The largest size (down to ``min_size``) at which ``text`` wraps into ``max_lines``; at the
    smallest size the last line ends with … if the text is still longer."""
    current = size
    while True:
        lines = wrap(text, current, width)
        if len(lines) <= max_lines:
            return current, lines
        if current <= min_size + 1e-6:
            break
        current = max(min_size, current - step)  # the last step lands on min_size exactly
    lines = lines[:max_lines]
    if max_lines:
        lines[-1] = ellipsize(lines[-1], current, width)
    return current, lines


def fit_name(
    text: str, width: float, size: float, min_size: float, shrink_first: float = 0.75
) -> tuple[float, list[str]]:
    """A name: one line, shrinking to ``shrink_first`` of the size; then two lines, shrinking on."""
    single_floor = max(min_size, size * shrink_first)
    one_size, one = fit(text, width, size, single_floor, 1)
    if not one or not one[-1].endswith(ELLIPSIS) or text.endswith(ELLIPSIS):
        return one_size, one
    two_size, two = fit(text, width, single_floor, min_size, 2)
    if len(two) == 2 and not two[-1].endswith(ELLIPSIS):
        two = balanced(text, two_size, width) or two
    return two_size, two


def balanced(text: str, size: float, width: float) -> list[str] | None:
    """Two lines of about equal width, broken after a ·, a space or a dash if there is one
    (阿卜杜热合曼· / 买买提艾力), else in the middle of a Chinese name; None if none fits."""
    breaks = [i + 1 for i, char in enumerate(text[:-1]) if char in "·•・ -"]
    if not breaks and not any(char.isascii() and char.isalnum() for char in text):
        breaks = list(range(1, len(text)))
    best, best_diff = None, None
    for at in breaks:
        first, second = text[:at].rstrip(), text[at:].lstrip()
        if not first or not second or second[0] in NO_LINE_START:
            continue
        w1, w2 = text_width(first, size), text_width(second, size)
        if w1 <= width and w2 <= width and (best_diff is None or abs(w1 - w2) < best_diff):
            best, best_diff = [first, second], abs(w1 - w2)
    return best


def fit_block(
    text: str, width: float, height: float, size: float, min_size: float, leading: float = 1.3
) -> tuple[float, list[str]]:
    """Text wrapped into a box ``height`` high (lines ``leading`` x size apart)."""
    current = size
    while True:
        max_lines = (
            int((height + 0.01 - size_box(current)) // (current * leading)) + 1
            if height + 0.01 >= size_box(current)
            else 0
        )
        lines = wrap(text, current, width)
        if len(lines) <= max_lines or current <= min_size + 1e-6:
            break
        current = max(min_size, current - 0.5)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        if lines:
            lines[-1] = ellipsize(lines[-1], current, width)
    return current, lines


def size_box(size: float) -> float:
    """Height of one line of ink."""
    return (ASCENT + DESCENT) * size


def block_height(lines: int, size: float, leading: float = 1.3) -> float:
    return 0.0 if lines <= 0 else size_box(size) + (lines - 1) * size * leading
