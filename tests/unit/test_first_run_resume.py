"""完成 again after an import was refused: the centre written the first time stays, the corrected
file is imported, and nobody else's set-up can be passed off as a resumption."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.db import open_database
from app.models import Community, Resident, Street, User
from app.services.admin.area import AreaError, CommunityDetails, StreetDetails
from app.services.setup.first_run import FirstAdmin, FirstRun, complete_first_run
from tests.unit.centre_files import COMMUNITY, STREET, write_grids_workbook, write_residents_workbook


@pytest.fixture
def db(tmp_path):
    database = open_database(f"sqlite:///{tmp_path / 'new.db'}")
    yield database
    database.dispose()


def _plan(tmp_path, *, bad_id: bool, street_code: str = STREET[0]) -> FirstRun:
    return FirstRun(
        StreetDetails(street_code, STREET[1]),
        CommunityDetails(COMMUNITY[0], COMMUNITY[1], COMMUNITY[2]),
        FirstAdmin("zhuren", "主任", "hongxing-2026"),
        grids_file=write_grids_workbook(tmp_path / "grids.xlsx"),
        residents_file=write_residents_workbook(tmp_path / "people.xlsx", bad_id=bad_id),
    )


def test_a_refused_import_can_be_corrected_and_finished_again(db, tmp_path):
    with pytest.raises(AreaError, match="未通过检查"):
        complete_first_run(db, _plan(tmp_path, bad_id=True))
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Street)) == 1
        assert session.scalar(select(func.count()).select_from(Resident)) == 0
    done = complete_first_run(db, _plan(tmp_path, bad_id=False))
    assert done.residents == "居民2人"
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Street)) == 1
        assert session.scalar(select(func.count()).select_from(Community)) == 1
        assert session.scalar(select(func.count()).select_from(User)) == 1
        assert session.scalar(select(func.count()).select_from(Resident)) == 2


def test_another_plan_is_not_a_resumption(db, tmp_path):
    complete_first_run(db, _plan(tmp_path, bad_id=False))
    with pytest.raises(AreaError, match="不能重复首次设置"):
        complete_first_run(db, _plan(tmp_path, bad_id=False, street_code="610202012"))
