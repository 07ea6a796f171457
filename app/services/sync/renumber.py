"""A number given twice by one desk across two restores, found when the street's record comes back.

A desk put back to an older copy loses the numbers it gave after that copy and has not sent; it
gives them again, to other residents, once it has caught up. Put back later to a newer copy that
still holds the first ones (never sent), it holds a case or a register entry whose number the
street already knows for another record. The desk pulls before it pushes while it is a restored
copy (app.services.sync.client), so the street's record comes down first; the desk's own, never
confirmed, takes the next free number instead, and staff are told in the conflicts which paper
in a resident's hand carries the old number. The street's record keeps its number: it is the one
every other end already has.

A register entry's printed QR code still carries the old serial: it no longer matches the
register, and the check says so, which is what staff are told to act on (收回重开).
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Case, CaseSequence, Certificate, CertificateSequence
from app.services.cases.numbers import format_case_no
from app.services.certificates.register import format_serial
from app.services.common.counters import take_next
from app.services.sync.settings import note_conflict

CASE_NO = re.compile(r"^(?P<short>.+)-(?P<day>\d{8})-(?P<n>\d{4,})$")
SERIAL = re.compile(r"^(?P<prefix>.+)(?P<year>\d{4})(?P<n>\d{5})$")


def own_unsent_case(session: Session, case_no: str, here: str) -> Case | None:
    """This desk's own case holding ``case_no`` that the street has never confirmed."""
    case = session.scalar(select(Case).where(Case.case_no == case_no))
    if case is not None and not case.sync_base and case.origin_community == here:
        return case
    return None


def own_unsent_certificate(session: Session, serial: str, here: str) -> Certificate | None:
    entry = session.scalar(select(Certificate).where(Certificate.serial == serial))
    if entry is not None and not entry.sync_base and entry.origin_community == here:
        return entry
    return None


def renumber_case(session: Session, case: Case) -> str:
    """Give ``case`` the next number of its day (the counter is already past the street's), and
    return the conflict in words."""
    found = CASE_NO.match(case.case_no)
    old = case.case_no
    if found is None:
        case.case_no = f"{old}-重"[:40]
    else:
        day = dt.datetime.strptime(found["day"], "%Y%m%d").date()
        number = take_next(session, CaseSequence, community_code=found["short"], day=day)
        case.case_no = format_case_no(found["short"], day, number)
    session.flush()
    message = (
        f"办件编号 {old} 已被街道登记的另一办件使用（本机两次从备份恢复所致），本机这件改为 "
        f"{case.case_no}；请告知持 {old} 受理回执的申请人"
    )
    note_conflict(session, "case", case.uuid, case.case_no, message)
    return message


def renumber_certificate(session: Session, entry: Certificate) -> str:
    found = SERIAL.match(entry.serial)
    old = entry.serial
    if found is None:
        entry.serial = f"{old}R"[:40]
    else:
        prefix, year = found["prefix"], int(found["year"])
        entry.serial = format_serial(
            prefix, year, take_next(session, CertificateSequence, prefix=prefix, year=year)
        )
    session.flush()
    message = (
        f"证明编号 {old} 已被街道登记簿中的另一份证明使用（本机两次从备份恢复所致），本机这份登记改为 "
        f"{entry.serial}；群众手中编号为 {old} 的这份证明核验不再相符，请收回重开"
    )
    note_conflict(session, "certificate", entry.uuid, entry.serial, message)
    return message
