"""Chinese fonts for reportlab, registered once per process.

reportlab's ``TTFont`` takes only TrueType outlines (TECH-NOTES.md). On Windows the system's SimSun
and FangSong are used when present (Microsoft's fonts: used, never bundled); everywhere else the
bundled AR PL UMing (a Ming/Song face) prints official documents and Droid Sans Fallback prints
labels. Every PDF embeds a subset of the font it uses, so any viewer shows the text and it stays
extractable.

The names below are stable whatever file backs them; call :func:`register_fonts` (cheap after the
first call) before building a document. Loading UMing (21 MB) takes about 0.3 s the first time.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.resources import resource_path, resource_root

if TYPE_CHECKING:
    from reportlab.pdfbase.ttfonts import TTFont

# reportlab is imported inside the functions that register or read fonts: the desk and the kiosk
# import this module for ``rare_font_file`` at start-up, long before anything is printed.

SONG = "YcSong"
"""Song/Ming face: titles and body of official documents."""
FANGSONG = "YcFangSong"
"""FangSong, registered only when the system has it (Windows); see :func:`body_font`."""
SANS = "YcSans"
"""Sans face: tables, labels, and a fallback for characters the Song face lacks."""
LATIN_SERIF = "YcLatinSerif"
"""Digits and Latin letters inside Song/FangSong text (DejaVu Serif Condensed, bundled, about as
wide as the Chinese faces' own Latin): those look typewritten, and the sans face has none."""
LATIN_SANS = "YcLatinSans"
"""Digits and Latin letters inside sans text (DejaVu Sans Condensed, bundled)."""
RARE = "YcRare"
"""Rare characters of names (CJK Extensions B–F, e.g. 𬀩): the last fallback, loaded on first need."""

_WINDOWS_FONT_DIR = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
_SKIPPED = {"\n", "\r", "\t"}


@dataclass(frozen=True)
class FontSources:
    """Which files back the registered names (for the log and the about box)."""

    song: str
    sans: str
    fangsong: str | None


_lock = threading.Lock()
_sources: FontSources | None = None
_rare: str | None | bool = False  # False: not looked for yet; None: no such font on this machine


def rare_font_file() -> Path | None:
    """The font file for rare name characters: one shipped with the program if a packager added
    it, else the system's Hanazono Mincho B (Debian's fonts-hanazono, which scripts/setup.sh
    installs; free licence, Extensions B–F), else Windows' SimSun-ExtB."""
    candidates = [
        resource_root() / "fonts" / "HanaMinB.ttf",
        Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"),
        Path("/usr/share/fonts/truetype/fonts-hanazono/HanaMinB.ttf"),
    ]
    windows = _windows_font("simsunb.ttf")
    if windows is not None:
        candidates.append(windows)
    return next((path for path in candidates if path.is_file()), None)


def rare_font() -> str | None:
    """RARE registered with reportlab (on first call), or None when the machine has no such font."""
    global _rare
    if _rare is not False:
        return _rare  # type: ignore[return-value]
    with _lock:
        if _rare is False:
            from reportlab.pdfbase import pdfmetrics

            path = rare_font_file()
            font = _load(RARE, path) if path is not None else None
            if font is not None:
                pdfmetrics.registerFont(font)
            _rare = RARE if font is not None else None
    return _rare  # type: ignore[return-value]


def _windows_font(name: str) -> Path | None:
    if sys.platform != "win32":
        return None
    path = _WINDOWS_FONT_DIR / name
    return path if path.is_file() else None


def _load(name: str, path: Path, subfont_index: int = 0) -> TTFont | None:
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        return TTFont(name, str(path), subfontIndex=subfont_index)
    except Exception:  # a damaged or CFF system font: fall back to the bundled one
        return None


def register_fonts() -> FontSources:
    """Register SONG, SANS (and FANGSONG when available) with reportlab; idempotent, thread-safe."""
    global _sources
    if _sources is not None:
        return _sources
    with _lock:
        if _sources is not None:
            return _sources
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        song_path = _windows_font("simsun.ttc")
        song = _load(SONG, song_path) if song_path else None
        if song is None:
            song_path = resource_path("fonts", "uming.ttc")
            song = TTFont(SONG, str(song_path), subfontIndex=0)
        sans_path = resource_path("fonts", "DroidSansFallbackFull.ttf")
        sans = TTFont(SANS, str(sans_path))
        fang_path = _windows_font("simfang.ttf")
        fang = _load(FANGSONG, fang_path) if fang_path else None
        latin = [
            TTFont(LATIN_SERIF, str(resource_path("fonts", "DejaVuSerifCondensed.ttf"))),
            TTFont(LATIN_SANS, str(resource_path("fonts", "DejaVuSansCondensed.ttf"))),
        ]
        for font in (song, sans, fang, *latin):
            if font is not None:
                pdfmetrics.registerFont(font)
        _sources = FontSources(
            song=str(song_path), sans=str(sans_path), fangsong=str(fang_path) if fang else None
        )
        return _sources


def latin_face(char: str, font: str) -> str | None:
    """The Latin face for ``char`` inside text set in ``font``: printable ASCII letters, digits
    and signs take the serif or the sans Latin face; anything else None (the font's own)."""
    if not ("!" <= char <= "~"):
        return None
    return LATIN_SANS if font == SANS else LATIN_SERIF


def body_font() -> str:
    """FangSong for body text when the system has it (GB/T 9704), else the Song face."""
    return FANGSONG if register_fonts().fangsong else SONG


def has_glyph(char: str, font_name: str) -> bool:
    """Whether the registered font draws ``char`` (a single character) with a real glyph."""
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    face = pdfmetrics.getFont(font_name).face
    return face.charToGlyph.get(ord(char), 0) != 0


def has_rare_glyph(char: str) -> bool:
    """Whether the rare-character font (when the machine has one) draws ``char``."""
    if ord(char) < 0x3400:  # below Extension A nothing needs it: spare loading the font
        return False
    name = rare_font()
    return name is not None and has_glyph(char, name)


def missing_glyphs(text: str, font_name: str, *, fallback: str | None = None) -> list[str]:
    """Characters of ``text`` that ``font_name`` cannot draw, each once, in order of appearance.

    With ``fallback`` (e.g. SANS) a character counts as missing only if neither font has it nor the
    rare-character font (:func:`rare_font`): that is what :func:`app.printing.layout.escape` prints.
    Line breaks and tabs are never reported.
    Callers warn the member of staff before printing (a name drawn as an empty box is a wrong name).
    """
    missing: list[str] = []
    for char in dict.fromkeys(text):
        if char in _SKIPPED or has_glyph(char, font_name):
            continue
        if fallback is not None and (has_glyph(char, fallback) or has_rare_glyph(char)):
            continue
        missing.append(char)
    return missing
