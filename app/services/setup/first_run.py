"""A real centre's first start: its street, its community, its first administrator and, if it has
them, its grids-and-staff workbook and its residents workbook (the desk's set-up assistant).

Nothing is written until the person says 完成. Before that every workbook is checked on a scratch
copy in memory that holds what the assistant has been told so far (the street, the community and
the grids workbook), so that a residents file is checked against the grids it will really find.
Then the street, the community and the account are written in one transaction, and the imports
follow with the same rules as ``yichuang import``: a workbook with a refused row writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from app.db import Database
from app.models import Base, Community, Street, User
from app.services.admin.area import (
    AreaError,
    CommunityDetails,
    StreetDetails,
    add_community,
    community_problems,
    has_street,
    normalised_community,
    normalised_street,
    set_street,
    street_problems,
)
from app.services.admin.auth import MIN_PASSWORD_LENGTH, AuthError, add_user
from app.services.common import audit
from app.services.imports.grids import import_grids_and_staff
from app.services.imports.residents import import_residents
from app.services.imports.spreadsheet import ImportFileError

__all__ = [
    "FileCheck",
    "FirstAdmin",
    "FirstRun",
    "Problem",
    "admin_problems",
    "check_grids_file",
    "check_residents_file",
    "complete_first_run",
    "needs_first_run",
]


@dataclass(frozen=True)
class FirstAdmin:
    username: str
    display_name: str
    password: str


@dataclass(frozen=True)
class FirstRun:
    street: StreetDetails
    community: CommunityDetails
    admin: FirstAdmin
    grids_file: Path | None = None
    residents_file: Path | None = None


@dataclass(frozen=True)
class Problem:
    sheet: str  # 社区, 网格, 人员, or "" for a residents file or the file as a whole
    row: int  # 0: the file as a whole
    reason: str


@dataclass(frozen=True)
class FileCheck:
    problems: tuple[Problem, ...]
    summary: str  # what the import would do, in a sentence

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class FirstRunDone:
    centre_name: str
    admin: str
    grids: str  # the imports' summaries ("" when skipped)
    residents: str


def needs_first_run(session: Session) -> bool:
    """No street yet: the database was made by ``init`` and nothing else."""
    return not has_street(session)


def street_form_problems(street: StreetDetails) -> dict[str, str]:
    return street_problems(normalised_street(street))


def community_form_problems(
    db: Database, street: StreetDetails, community: CommunityDetails
) -> dict[str, str]:
    with db.sessions() as session:
        return community_problems(
            session, normalised_community(community), street_code=normalised_street(street).code
        )


def admin_problems(admin: FirstAdmin, repeated: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    username = admin.username.strip()
    if not username:
        problems["username"] = "用户名必须填写"
    elif len(username) > 50 or any(ch.isspace() for ch in username):
        problems["username"] = "用户名不能含空格，最多50个字符"
    if len(admin.password) < MIN_PASSWORD_LENGTH:
        problems["password"] = f"密码至少需要{MIN_PASSWORD_LENGTH}个字符"
    elif admin.password == username:
        problems["password"] = "密码不能与用户名相同"
    elif admin.password != repeated:
        problems["repeated"] = "两次输入的密码不一致"
    return problems


# --- checks on a scratch copy ---------------------------------------------------------------------


def _scratch(street: StreetDetails, community: CommunityDetails) -> Session:
    """An in-memory database holding the street and the community, for the dry runs."""
    engine = create_engine("sqlite://")
    event.listen(engine, "connect", lambda conn, _rec: conn.execute("PRAGMA foreign_keys=ON"))
    Base.metadata.create_all(engine)
    session = sessionmaker(engine, expire_on_commit=False)()
    set_street(session, street, actor="首次设置")
    add_community(session, community, actor="首次设置")
    session.commit()
    return session


def _file_problem(exc: Exception) -> FileCheck:
    return FileCheck((Problem("", 0, str(exc)),), "")


def check_grids_file(street: StreetDetails, community: CommunityDetails, path: Path) -> FileCheck:
    """What importing the grids workbook would do after the street and community are written."""
    session = _scratch(street, community)
    try:
        report = import_grids_and_staff(session, path, actor="首次设置", dry_run=True)
    except ImportFileError as exc:
        return _file_problem(exc)
    finally:
        session.close()
    problems = tuple(Problem(r.sheet, r.row, r.reason) for r in report.rejected)
    summary = (
        f"社区{report.communities_created + report.communities_updated}个、"
        f"网格{report.grids_created + report.grids_updated}个、"
        f"网格人员{report.staff_created + report.staff_updated}人"
    )
    return FileCheck(problems, summary)


def check_residents_file(
    street: StreetDetails, community: CommunityDetails, grids_file: Path | None, path: Path
) -> FileCheck:
    """What importing the residents would do after the street, community and grids are written."""
    session = _scratch(street, community)
    try:
        if grids_file is not None:
            grids = import_grids_and_staff(session, grids_file, actor="首次设置")
            if not grids.written:
                return FileCheck((Problem("", 0, "网格工作簿未通过检查，请先修正或跳过它"),), "")
        report = import_residents(session, path, actor="首次设置", dry_run=True)
    except ImportFileError as exc:
        return _file_problem(exc)
    finally:
        session.close()
    problems = tuple(Problem("", r.row, r.reason) for r in report.rejected)
    summary = f"居民{report.accepted}人、户{report.households_created}户、楼栋{report.buildings_created}栋"
    return FileCheck(problems, summary)


# --- 完成 ---------------------------------------------------------------------------------------------


def complete_first_run(db: Database, plan: FirstRun) -> FirstRunDone:
    """Write the street, the community and the administrator in one transaction, then run the
    imports. Raises AreaError / AuthError / ImportFileError with one sentence; an import that
    refuses a row raises AreaError: the centre itself is then written, and 完成 again with the
    same street, community and administrator (the file corrected) runs the imports again."""
    admin = plan.admin
    username = admin.username.strip()
    with db.sessions() as session:
        fresh = needs_first_run(session)
        resumed = None if fresh else _written_by(session, plan, username)
    if not fresh:
        if resumed is None:
            raise AreaError("本中心已经设置过街道，不能重复首次设置")
        # 完成 pressed again after an import was refused: the centre is there; import again.
        return _run_imports(db, plan, username, resumed)
    with db.sessions.begin() as session:
        if not needs_first_run(session):  # another desk set it up in the meantime
            raise AreaError("本中心已经设置过街道，不能重复首次设置")
        problems = admin_problems(admin, admin.password)
        if problems:
            raise AuthError("；".join(problems.values()))
        set_street(session, plan.street, actor=username)
        record = add_community(session, plan.community, actor=username)
        add_user(session, username, admin.password, "admin", display_name=admin.display_name.strip() or None)
        audit.record(
            session,
            actor=username,
            action="first_run",
            subject=record.code,
            purpose="首次设置本中心",
            detail=f"{record.name}，管理员 {username}",
        )
        record_name = record.name
    return _run_imports(db, plan, username, record_name)


def _written_by(session: Session, plan: FirstRun, username: str) -> str | None:
    """The community's name when the street, community and administrator in the database are the
    ones of ``plan`` (an earlier 完成 wrote them and then an import was refused), else None."""
    street_code = session.scalar(select(Street.code).limit(1))
    community = session.scalar(select(Community.name).where(Community.code == plan.community.code.strip()))
    user = session.scalar(select(User.role).where(User.username == username))
    if street_code == plan.street.code.strip() and user == "admin":
        return community
    return None


def _run_imports(db: Database, plan: FirstRun, username: str, centre: str) -> FirstRunDone:
    grids = residents = ""
    if plan.grids_file is not None:
        with db.sessions() as session:
            report = import_grids_and_staff(session, plan.grids_file, actor=username)
        if not report.written:
            raise AreaError(f"网格工作簿有{len(report.rejected)}行未通过检查，未导入")
        grids = f"网格{report.grids_created + report.grids_updated}个、人员{report.staff_created + report.staff_updated}人"
    if plan.residents_file is not None:
        with db.sessions() as session:
            people = import_residents(session, plan.residents_file, actor=username, strict=True)
        if not people.written:
            raise AreaError(f"居民工作簿有{len(people.rejected)}行未通过检查，未导入")
        residents = f"居民{people.accepted}人"
    return FirstRunDone(f"{centre}党群服务中心", username, grids, residents)
