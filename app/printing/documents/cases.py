"""Drawing a case's document (receipt, supplement notice or refusal notice) from what
app.services.cases.documents says it holds, and saving it to a file with its audit row."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from sqlalchemy.orm import Session

from app.printing.documents.intake import render_receipt, render_refusal_notice, render_supplement_notice
from app.services.cases.documents import CaseDocument, case_document, record_print

_RENDERERS = {
    "receipt": render_receipt,
    "supplement": render_supplement_notice,
    "refusal": render_refusal_notice,
}


class RenderedDocument(NamedTuple):
    title: str
    pdf: bytes


def render(document: CaseDocument) -> bytes:
    return _RENDERERS[document.kind](document.data)


def render_case_document(session: Session, case_no: str) -> RenderedDocument:
    """The case's document as a PDF; raises DocumentError when there is no such case."""
    document = case_document(session, case_no)
    return RenderedDocument(document.title, render(document))


def write_case_document(session: Session, case_no: str, path: Path, *, actor: str) -> Path:
    """Write the case's document to ``path`` and audit it; the caller commits."""
    title, pdf = render_case_document(session, case_no)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf)
    record_print(session, case_no, title, actor=actor, how=f"保存为 {path.name}")
    return path
