"""The verification panel of a certificate or form: the QR code with 扫码验证 under it and the
verification code in large type, at the right edge beside the issuer's block or the notes."""

from __future__ import annotations

import functools
import math

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table

from app.printing.certificates.slots import QrSlot, in_batch, slot
from app.printing.fonts import SONG
from app.printing.layout import TEXT_WIDTH, escape, fit_font_size, para, styles, table_style
from app.printing.qr import MIN_SIZE_MM, QUIET_ZONE, known_matrix, qr_drawing, qr_matrix

QR_MM = 28.0
QR_MODULE_MM = 0.5


# Certificates are issued in batches of a thousand: a fixed mask spares the search for the best one
# (a fifth of a form's rendering time). The payload is short ASCII at level M, printed ≥ 30 mm;
# tests decode it from a 150 dpi render. Fixed for good: a reprint must be byte-identical.
CERTIFICATE_QR_MASK = 5


@functools.lru_cache(maxsize=256)  # asked four times a certificate: its own PDF's two passes, the batch's
def qr_size_mm(text: str) -> float:
    """At least 28 mm, and large enough for modules of 0.5 mm (a long signed payload)."""
    encoded = known_matrix((text, "M", CERTIFICATE_QR_MASK))  # a batch's worker may have made it
    if encoded is not None:
        modules = len(encoded)
    else:
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE)
        code.add_data(text.encode("utf-8"))
        modules = code.best_fit() * 4 + 17 + 2 * QUIET_ZONE  # the version only: no mask is evaluated
    return max(QR_MM, MIN_SIZE_MM, math.ceil(modules * QR_MODULE_MM))


def qr_block(qr_text: str, verification_code: str) -> list[Flowable]:
    """The QR code, 扫码验证 under it, and the verification code in large type."""
    size = qr_size_mm(qr_text)
    qr_w = size * mm
    code_size = fit_font_size(verification_code, SONG, 16, qr_w + 8 * mm, 9)
    code_style = styles()["caption"].clone(
        "verify_code", fontName=SONG, fontSize=code_size, leading=code_size * 1.3
    )
    if in_batch():  # the same modules, drawn as one path of rectangles (slots.QrSlot)
        qr: Flowable = slot(QrSlot(qr_matrix(qr_text, "M", CERTIFICATE_QR_MASK), qr_w))
    else:
        qr = qr_drawing(qr_text, size_mm=size, error_correction="M", mask_pattern=CERTIFICATE_QR_MASK)
    return [qr, para("扫码验证", "caption"), slot(Paragraph(escape(verification_code, SONG), code_style))]


def qr_width(qr_text: str) -> float:
    return qr_size_mm(qr_text) * mm + 10 * mm


def beside_qr(left: object, qr_text: str, verification_code: str, *, valign: str = "BOTTOM") -> Table:
    """``left`` (a flowable, a list of them or nothing) and, at the right edge, the QR block."""
    right_w = qr_width(qr_text)
    panel = Table(
        [[left or "", qr_block(qr_text, verification_code)]], colWidths=[TEXT_WIDTH - right_w, right_w]
    )
    panel.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (0, 0), valign),
                ("VALIGN", (1, 0), (1, 0), "TOP"),
                ("ALIGN", (1, 0), (1, 0), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 4 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return panel
