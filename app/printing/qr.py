"""QR codes for printed documents, made with ``qrcode`` and drawn as reportlab vector shapes.

Sized so that a phone reads them off paper: error correction M or higher, the 4-module quiet zone
kept inside the drawing, never smaller than 25 mm, and modules of at least 0.5 mm.
"""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_M, ERROR_CORRECT_Q
from reportlab.graphics.shapes import Drawing, Path, Rect
from reportlab.lib import colors
from reportlab.lib.units import mm

from app.printing.fonts import SONG, register_fonts

QUIET_ZONE = 4
MIN_SIZE_MM = 25.0
MIN_MODULE_MM = 0.5
_LEVELS = {"M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q, "H": ERROR_CORRECT_H}


Matrix = tuple[tuple[bool, ...], ...]


def qr_matrix(text: str, error_correction: str = "M", mask_pattern: int | None = None) -> Matrix:
    """Rows of modules (True = dark), quiet zone included, for ``text`` encoded as UTF-8.

    ``mask_pattern`` (0–7) skips the search for the mask with the lowest penalty, which is most of
    the cost (about 8 of 10 ms for a certificate's payload); every mask is valid and decodes.
    The last few matrices are kept: a batch draws each certificate's code twice (its own PDF and
    the batch's page), and a worker that drew it hands it over (:func:`remember_matrix`).
    """
    if not text:
        raise ValueError("a QR code needs some text")
    if error_correction not in _LEVELS:
        raise ValueError(f"error correction must be one of {sorted(_LEVELS)}")
    key = (text, error_correction, mask_pattern)
    found = _recent.get(key)
    if found is None:
        code = qrcode.QRCode(
            error_correction=_LEVELS[error_correction],
            border=QUIET_ZONE,
            box_size=1,
            mask_pattern=mask_pattern,
        )
        code.add_data(text.encode("utf-8"))
        code.make(fit=True)
        found = tuple(tuple(row) for row in code.get_matrix())
        remember_matrix(key, found)
    return found


def known_matrix(key: tuple[str, str, int | None]) -> Matrix | None:
    """The matrix of ``key`` if it was made or handed over lately, else None (nothing computed)."""
    return _recent.get(key)


def remember_matrix(key: tuple[str, str, int | None], matrix: Matrix) -> None:
    """Keep ``matrix`` as the code of ``key`` = (text, error correction, mask pattern)."""
    _recent[key] = matrix
    if len(_recent) > _KEPT:
        del _recent[next(iter(_recent))]  # the oldest: dicts keep insertion order


_KEPT = 256
_recent: dict[tuple[str, str, int | None], Matrix] = {}


def qr_drawing(
    text: str, size_mm: float = 30, error_correction: str = "M", mask_pattern: int | None = None
) -> Drawing:
    """A square Drawing of ``size_mm`` (quiet zone included) to place among flowables.

    Raises ValueError if ``size_mm`` is under 25 mm or the text is so long that its modules would
    print smaller than 0.5 mm (shorten the text, e.g. a case number instead of a whole URL).
    """
    if size_mm < MIN_SIZE_MM:
        raise ValueError(f"a printed QR code must be at least {MIN_SIZE_MM:g} mm wide")
    matrix = qr_matrix(text, error_correction, mask_pattern)
    count = len(matrix)
    if size_mm / count < MIN_MODULE_MM:
        raise ValueError(f"QR text too long for {size_mm:g} mm: {count} modules")
    side = size_mm * mm
    module = side / count
    # The renderer selects a font even for a drawing without text: make it the embedded one, not an
    # unembedded Helvetica.
    register_fonts()
    drawing = Drawing(side, side, initialFontName=SONG)
    drawing.add(Rect(0, 0, side, side, fillColor=colors.white, strokeColor=None))
    # All dark modules in one path, one rectangle per horizontal run: no seams between neighbours.
    path = Path(fillColor=colors.black, strokeColor=None, strokeWidth=0)
    for row_index, row in enumerate(matrix):
        top = side - row_index * module
        column = 0
        while column < count:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < count and row[column]:
                column += 1
            left, right = start * module, column * module
            path.moveTo(left, top)
            path.lineTo(right, top)
            path.lineTo(right, top - module)
            path.lineTo(left, top - module)
            path.closePath()
    drawing.add(path)
    return drawing
