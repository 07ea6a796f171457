"""A meeting's photos: each file is copied into the centre's files folder, under a folder of its
own meeting (``meetings/<id>/``), and only its name is kept in the database, so the database
and its backups stay small and a photo can be opened from the folder by hand."""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import files_dir
from app.models import MeetingPhoto
from app.services.admin.scope import Scope
from app.services.common import audit
from app.services.party.meeting_records import PhotoRow
from app.services.party.meetings import meeting_in_scope
from app.services.party.members import MemberError

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
MAX_PHOTO_BYTES = 20 * 1024 * 1024


def meeting_folder(meeting_id: int) -> Path:
    return files_dir() / "meetings" / str(meeting_id)


def photo_path(meeting_id: int, stored_name: str) -> Path:
    return meeting_folder(meeting_id) / stored_name


def add_photo(session: Session, meeting_id: int, source: Path, *, scope: Scope, actor: str) -> PhotoRow:
    """Copy ``source`` into the meeting's folder under a new name (two photos called IMG_0001.jpg
    from two phones must not overwrite each other), audited."""
    meeting, branch = meeting_in_scope(session, meeting_id, scope)
    source = Path(source)
    suffix = source.suffix.lower()
    if suffix not in PHOTO_SUFFIXES:
        raise MemberError("照片只能是 JPG 或 PNG 文件")
    if not source.is_file():
        raise MemberError(f"找不到文件“{source.name}”")
    if source.stat().st_size > MAX_PHOTO_BYTES:
        raise MemberError("照片超过20MB，请压缩后再添加")
    folder = meeting_folder(meeting.id)
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(6)}{'.jpg' if suffix == '.jpeg' else suffix}"
    shutil.copyfile(source, folder / stored)
    photo = MeetingPhoto(meeting_id=meeting.id, stored_name=stored, original_name=source.name[:200])
    session.add(photo)
    session.flush()
    audit.record(
        session, actor=actor, action="party_meeting", subject=branch.name, purpose=f"添加照片：{source.name}"
    )
    return PhotoRow(photo.id, stored, photo.original_name)


def remove_photo(session: Session, photo_id: int, *, scope: Scope, actor: str) -> None:
    """Take a photo off the record and delete its file, audited."""
    photo = session.get(MeetingPhoto, photo_id)
    if photo is None:
        raise MemberError(f"没有编号为{photo_id}的照片")
    meeting, branch = meeting_in_scope(session, photo.meeting_id, scope)
    path = photo_path(meeting.id, photo.stored_name)
    session.delete(photo)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="party_meeting",
        subject=branch.name,
        purpose=f"删除照片：{photo.original_name}",
    )
    path.unlink(missing_ok=True)


def photo_files(session: Session, meeting_id: int) -> list[Path]:
    """The files of a meeting's photos that are still in the folder, in the order they were added."""
    names = session.scalars(
        select(MeetingPhoto.stored_name)
        .where(MeetingPhoto.meeting_id == meeting_id)
        .order_by(MeetingPhoto.id)
    ).all()
    return [p for p in (photo_path(meeting_id, n) for n in names) if p.is_file()]
