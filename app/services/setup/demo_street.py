"""The deterministic synthetic demo street (``yichuang init --demo``).

One street of six communities and about sixty grids in 铜川市王益区, with buildings, households,
residents with valid ID numbers, grid staff under 1+9+X, the four-level party organisation and
demo users. All of it is fiction. Rows are written with bulk inserts and explicit keys, so 100,000
residents take seconds, and the same seed always gives the same street.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    Building,
    CentreSetting,
    Community,
    Grid,
    GridStaff,
    Household,
    PartyOrganisation,
    Resident,
    Street,
    Tag,
    resident_tags,
)
from app.models.staff import BUILDING_LEADER, GRID_LEADER, HELPER, STAFF_ROLES
from app.resources import resource_path
from app.services.setup.bulk_rows import BulkRows
from app.services.setup.demo_community_life import add_demo_community_life
from app.services.setup.demo_people import PeopleFactory, Person
from app.services.setup.demo_residents import ResidentRows
from app.services.setup.demo_upkeep import add_demo_changes
from app.services.setup.reference_data import read_yaml

# One resident every demo street holds, whatever the seed and the day: the examples in the README
# and the docs look him up. The first male head of household aged 46-56 (his family's ages fit)
# takes this number and birth date; nothing else about the street changes.
EXAMPLE_ID_NUMBER = "610202197509180016"
EXAMPLE_BIRTH_DATE = dt.date(1975, 9, 18)
DEFAULT_SEED = 1
DEFAULT_RESIDENTS = 12_000
STREET = {
    "code": "610202010",
    "name": "桃园街道",
    "district": "王益区",
    "city": "铜川市",
    "hotline": "0919-3188000",
    "board_qr_mode": "vcard",
    "board_url_template": "",
}
COMMUNITIES = [  # name, short code
    ("桃园社区", "TY"),
    ("新华社区", "XH"),
    ("东风社区", "DF"),
    ("建设社区", "JS"),
    ("和平社区", "HP"),
    ("青年社区", "QN"),
]
GRIDS_PER_COMMUNITY = 10
CHUNK = 20_000  # residents buffered before they are written
FLUSH_ORDER = [
    Street,
    Community,
    Grid,
    Building,
    Household,
    Resident,
    resident_tags,
    GridStaff,
    PartyOrganisation,
    CentreSetting,
]


ORGANISATIONS = {
    "urban_management": "王益区城市管理执法局",
    "sanitation": "王益区环境卫生服务中心",
    "justice": "桃园街道司法所",
    "market_regulation": "王益区市场监督管理局",
    "property_management": "王益区住房和城乡建设局",
    "police": "铜川市公安局王益分局桃园派出所",
    "property_company": "物业服务企业",
    "co_builder": "共建单位",
}
DUTIES = {
    GRID_LEADER: "统筹网格内党建、治理和服务工作，收集社情民意，协调解决群众诉求。",
    "comprehensive": "开展网格巡查，排查矛盾纠纷和安全隐患，采集更新人口房屋信息。",
    "urban_management": "负责网格内市容秩序、违章搭建和占道经营的发现与处置。",
    "sanitation": "负责网格内环境卫生、垃圾分类和清运的组织与督促。",
    "justice": "提供法律咨询，参与人民调解，开展普法宣传。",
    "market_regulation": "负责网格内经营主体、食品安全和消费投诉的监管服务。",
    "property_management": "督促物业服务，协调解决房屋维修和小区管理问题。",
    "police": "负责网格内治安防范、户籍服务和警情处置。",
    "property_company": "落实物业服务，配合网格做好安全巡查和设施维护。",
    "co_builder": "组织共建单位党员参与社区志愿服务和微心愿认领。",
    HELPER: "参与网格志愿服务，协助走访和政策宣传。",
    BUILDING_LEADER: "联系本楼栋住户，及时反映诉求，协助通知和信息采集。",
}


@dataclass
class DemoSummary:
    seed: int
    communities: int
    grids: int
    buildings: int
    households: int
    residents: int
    staff: int
    party_organisations: int

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


class DemoExists(RuntimeError):
    """The database already holds a street; the demo is only ever written into an empty one."""


def build_demo_street(
    session: Session,
    *,
    seed: int = DEFAULT_SEED,
    residents: int = DEFAULT_RESIDENTS,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Write the demo street into ``session`` (the caller commits). ``progress(done, total)`` is
    called as residents are written."""
    if session.scalar(select(func.count()).select_from(Street)):
        raise DemoExists("数据库中已有街道数据，演示数据只写入空数据库")
    if residents < 100:
        raise ValueError("演示街道至少需要100名居民")
    summary = _DemoBuilder(session, seed, residents, today or dt.date.today(), progress).build()
    add_demo_changes(session, today or dt.date.today(), keep=EXAMPLE_ID_NUMBER)  # 迁出, 死亡 with history
    add_demo_community_life(session, today or dt.date.today(), seed)
    return summary


class _DemoBuilder:
    def __init__(self, session: Session, seed: int, residents: int, today: dt.date, progress):
        self.session = session
        self.seed = seed
        self.target = residents
        self.today = today
        self.progress = progress
        self.rng = random.Random(seed)
        self.people = PeopleFactory(self.rng, today)
        words = read_yaml(resource_path("demo", "names.yaml"))
        self.roads = words["roads"].split()
        self.landmarks = words["landmarks"].split()
        self.estates = words["estates"].split()
        self.tag_ids = {code: tag_id for code, tag_id in session.execute(select(Tag.code, Tag.id))}
        self.residents = ResidentRows(self.rng, today, self.roads, set(self.tag_ids))
        self.people._used.add(EXAMPLE_ID_NUMBER[:17])  # never generated for anyone else
        self.example_placed = False
        self.bulk = BulkRows(session, FLUSH_ORDER, without_id=(resident_tags, CentreSetting))
        self.add = self.bulk.add
        self.count = self.bulk.count

    # ------------------------------------------------------------------------------------
    def build(self) -> DemoSummary:
        street_id = self.add(Street, dict(STREET))
        grids_total = len(COMMUNITIES) * GRIDS_PER_COMMUNITY
        households_per_grid = math.ceil(self.target / 2.55 / grids_total)
        residents_per_grid = math.ceil(self.target / grids_total)
        for c_index, (c_name, short) in enumerate(COMMUNITIES, start=1):
            community_id = self.add(
                Community,
                {
                    "street_id": street_id,
                    "code": f"{STREET['code']}{c_index:03d}",
                    "short_code": short,
                    "name": c_name,
                    "address": f"铜川市王益区{self.rng.choice(self.roads)}{self.rng.randint(1, 200)}号",
                    "hotline": f"0919-31{self.rng.randrange(100000):05d}",
                    "service_hours": "周一至周五 8:30–12:00，14:30–18:00；周六上午值班",
                },
            )
            party_root = self.add_party(
                **{
                    "level": "community",
                    "name": f"中共{c_name}委员会",
                    "parent_id": None,
                    "community_id": community_id,
                    "grid_id": None,
                    "sort_order": c_index,
                    "leader_name": self.people.name(self.rng.choice(["male", "female"])),
                    "leader_phone": self.people.phone(),
                }
            )
            for g_index in range(1, GRIDS_PER_COMMUNITY + 1):
                remaining = self.target - self.count[Resident]
                grids_left = grids_total - self.count[Grid]
                quota = min(remaining, residents_per_grid) if grids_left > 1 else remaining
                self.build_grid(community_id, c_index, g_index, party_root, households_per_grid, quota)
        self.add_centre_settings()
        self.flush()
        return DemoSummary(
            seed=self.seed,
            communities=self.count[Community],
            grids=self.count[Grid],
            buildings=self.count[Building],
            households=self.count[Household],
            residents=self.count[Resident],
            staff=self.count[GridStaff],
            party_organisations=self.count[PartyOrganisation],
        )

    def build_grid(self, community_id, c_index, g_index, party_root, households_hint, quota) -> None:
        rng = self.rng
        estate = self.estates[(c_index * 3 + g_index) % len(self.estates)]
        roads = rng.sample(self.roads, 3)
        grid_id = self.add(
            Grid,
            {
                "community_id": community_id,
                "code": f"{STREET['code']}{c_index:03d}{g_index:03d}",
                "name": f"第{g_index}网格",
                "boundary_east": roads[0],
                "boundary_south": rng.choice(self.landmarks),
                "boundary_west": roads[1],
                "boundary_north": roads[2],
                "coverage": f"{estate}及{roads[0]}沿街商铺",
                "area_km2": round(rng.uniform(0.08, 0.45), 2),
                "hotline": f"0919-31{rng.randrange(100000):05d}",
                "star_rating": rng.choices([3, 4, 5], [3, 5, 2])[0],
            },
        )
        branch_id = self.add_party(
            **{
                "level": "grid_branch",
                "name": f"第{g_index}网格党支部",
                "parent_id": party_root,
                "community_id": community_id,
                "grid_id": grid_id,
                "sort_order": g_index,
            }
        )
        self.add_grid_staff(grid_id)
        units, floors = rng.choice([(2, 6), (3, 6), (3, 7), (2, 11), (4, 18)])
        rooms_per_building = units * floors * 2
        buildings = max(1, math.ceil(households_hint / rooms_per_building))
        written = 0
        for b_index in range(1, buildings + 1):
            building_id = self.add(
                Building,
                {
                    "grid_id": grid_id,
                    "name": f"{estate}{b_index}号楼",
                    "address": f"铜川市王益区{roads[0]}{rng.randint(1, 300)}号{estate}{b_index}号楼",
                    "units": units,
                    "floors": floors,
                    "sort_order": b_index,
                },
            )
            self.add(GridStaff, self.staff_row(grid_id, BUILDING_LEADER, 20 + b_index, building_id))
            members_of_party: list[tuple[int, int, Person]] = []
            for unit in range(1, units + 1):
                for floor in range(1, floors + 1):
                    for door in (1, 2):
                        if written >= quota:
                            break
                        room = f"{floor}{door:02d}"
                        written += self.add_household(
                            (grid_id, building_id), unit, room, estate, b_index, members_of_party
                        )
            if len(members_of_party) >= 3:
                self.add_party_group(community_id, grid_id, branch_id, building_id, b_index, members_of_party)
            if written >= quota:
                break

    def add_grid_staff(self, grid_id: int) -> None:
        for order, role in enumerate(r for r in STAFF_ROLES if r not in (HELPER, BUILDING_LEADER)):
            self.add(GridStaff, self.staff_row(grid_id, role, order))
        for extra in range(self.rng.randint(1, 3)):
            self.add(GridStaff, self.staff_row(grid_id, HELPER, 10 + extra))

    def staff_row(self, grid_id: int, role: str, order: int, building_id: int | None = None) -> dict:
        return {
            "grid_id": grid_id,
            "building_id": building_id,
            "role": role,
            "name": self.people.name(self.rng.choice(["male", "female"])),
            "phone": self.people.phone(),
            "organisation": ORGANISATIONS.get(role, "桃园街道"),
            "duty": DUTIES[role],
            "sort_order": order,
        }

    def with_example(self, members: list[Person]) -> list[Person]:
        head = members[0]
        born = head.birth_date
        age = self.today.year - born.year - ((self.today.month, self.today.day) < (born.month, born.day))
        if head.sex != "male" or not 46 <= age <= 56:
            return members
        self.example_placed = True
        example = replace(head, birth_date=EXAMPLE_BIRTH_DATE, id_number=EXAMPLE_ID_NUMBER)
        return [example, *members[1:]]

    def add_household(self, place, unit, room, estate, b_index, party_members) -> int:
        grid_id, building_id = place
        household_id = self.add(
            Household,
            {
                "building_id": building_id,
                "unit": unit,
                "room": room,
                "hukou_number": f"{self.rng.randrange(10**8):08d}",
            },
        )
        address = f"陕西省铜川市王益区桃园街道{estate}{b_index}号楼{unit}单元{room}室"
        members = self.people.household()
        if not self.example_placed:
            members = self.with_example(members)
        for person in members:
            resident_id = self.add(Resident, self.residents.row(person, household_id, address, grid_id))
            for code in self.residents.tags(person, len(members)):
                self.add(resident_tags, {"resident_id": resident_id, "tag_id": self.tag_ids[code]})
                if code == "party_member":
                    party_members.append((resident_id, household_id, person))
        if self.bulk.buffered(Resident) >= CHUNK:
            self.flush()
        return len(members)

    def add_party(self, **fields: Any) -> int:
        """Party rows differ in which links they carry; bulk inserts need the same keys in each."""
        row = {
            "parent_id": None,
            "grid_id": None,
            "building_id": None,
            "household_id": None,
            "leader_resident_id": None,
            "leader_name": "",
            "leader_phone": "",
            **fields,
        }
        return self.add(PartyOrganisation, row)

    def add_party_group(self, community_id, grid_id, branch_id, building_id, b_index, members) -> None:
        leader_id, _, leader = members[0]
        group_id = self.add_party(
            **{
                "level": "building_group",
                "name": f"{b_index}号楼党小组",
                "parent_id": branch_id,
                "community_id": community_id,
                "grid_id": grid_id,
                "building_id": building_id,
                "leader_resident_id": leader_id,
                "leader_name": leader.name,
                "leader_phone": leader.phone,
                "sort_order": b_index,
            }
        )
        resident_id, household_id, person = members[-1]
        self.add_party(
            **{
                "level": "member_household",
                "name": f"{person.name}党员中心户",
                "parent_id": group_id,
                "community_id": community_id,
                "grid_id": grid_id,
                "building_id": building_id,
                "household_id": household_id,
                "leader_resident_id": resident_id,
                "leader_name": person.name,
                "leader_phone": person.phone,
                "sort_order": 1,
            }
        )

    def flush(self) -> None:
        """Called whenever enough residents are buffered, and once at the end."""
        self.bulk.flush()
        if self.progress:
            self.progress(self.count[Resident], self.target)

    def add_centre_settings(self) -> None:
        self.add(CentreSetting, {"key": "centre.community_code", "value": f"{STREET['code']}001"})
        self.add(
            CentreSetting,
            {
                "key": "demo",
                "value": {
                    "seed": self.seed,
                    "residents": self.target,
                    "generated_on": self.today.isoformat(),
                },
            },
        )
