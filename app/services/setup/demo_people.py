"""Synthetic people for the demo street: names, valid ID numbers, households of plausible shape.

Everything is drawn from one ``random.Random`` so that the same seed gives the same street, and
ID numbers are unique by construction (region + birth date + sequence is tracked), never by
retrying against the database.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from app.resources import resource_path
from app.services.common.idcard import check_digit
from app.services.setup.reference_data import read_yaml

# Where the demo street's residents were born: mostly the street's own district (铜川市王益区),
# then the rest of the city and province, then the provinces people commonly move from.
# (code, Chinese place name for the household-registration address, card authority, weight)
BIRTH_REGIONS: list[tuple[str, str, str, int]] = [
    ("610202", "陕西省铜川市王益区", "铜川市公安局王益分局", 62),
    ("610203", "陕西省铜川市印台区", "铜川市公安局印台分局", 9),
    ("610222", "陕西省铜川市宜君县", "宜君县公安局", 4),
    ("610102", "陕西省西安市新城区", "西安市公安局新城分局", 4),
    ("610113", "陕西省西安市雁塔区", "西安市公安局雁塔分局", 3),
    ("610402", "陕西省咸阳市秦都区", "咸阳市公安局秦都分局", 4),
    ("610502", "陕西省渭南市临渭区", "渭南市公安局临渭分局", 4),
    ("610602", "陕西省延安市宝塔区", "延安市公安局宝塔分局", 3),
    ("620102", "甘肃省兰州市城关区", "兰州市公安局城关分局", 2),
    ("410102", "河南省郑州市中原区", "郑州市公安局中原分局", 2),
    ("140105", "山西省太原市小店区", "太原市公安局小店分局", 2),
    ("510107", "四川省成都市武侯区", "成都市公安局武侯区分局", 1),
]

ETHNICITIES = [("汉族", 970), ("回族", 15), ("满族", 6), ("蒙古族", 4), ("土家族", 3), ("藏族", 2)]


@dataclass
class Person:
    name: str
    sex: str
    birth_date: dt.date
    id_number: str
    ethnicity: str
    relation: str
    hukou_region: str
    card_authority: str
    phone: str = ""
    tags: list[str] = field(default_factory=list)


class PeopleFactory:
    """Makes people and households; one instance per demo run."""

    def __init__(self, rng: random.Random, today: dt.date):
        self.rng = rng
        self.today = today
        names = read_yaml(resource_path("demo", "names.yaml"))
        self.surnames = list(names["surnames"].keys())
        self.surname_weights = list(names["surnames"].values())
        self.given = {"male": names["given_male"].split(), "female": names["given_female"].split()}
        self._region_weights = [r[3] for r in BIRTH_REGIONS]
        self._used: set[str] = set()
        self._phones: set[str] = set()

    # --- single values -------------------------------------------------------------------
    def surname(self) -> str:
        return self.rng.choices(self.surnames, self.surname_weights)[0]

    def given_name(self, sex: str) -> str:
        pool = self.given[sex]
        if self.rng.random() < 0.22:
            return self.rng.choice(pool)
        return self.rng.choice(pool) + self.rng.choice(pool)

    def name(self, sex: str, surname: str | None = None) -> str:
        return (surname or self.surname()) + self.given_name(sex)

    def phone(self) -> str:
        while True:
            number = self.rng.choice(["13", "15", "17", "18", "19"]) + f"{self.rng.randrange(10**9):09d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def birth_date(self, age: int) -> dt.date:
        """A birthday such that the person is ``age`` years old today."""
        latest = _years_before(self.today, age)
        earliest = _years_before(self.today, age + 1) + dt.timedelta(days=1)
        span = (latest - earliest).days
        return earliest + dt.timedelta(days=self.rng.randint(0, span))

    def id_number(self, region: str, birth: dt.date, sex: str) -> str:
        prefix = region + birth.strftime("%Y%m%d")
        parity = 1 if sex == "male" else 0
        for _ in range(2000):
            sequence = self.rng.randrange(500) * 2 + parity
            first17 = f"{prefix}{sequence:03d}"
            if first17 not in self._used:
                self._used.add(first17)
                return first17 + check_digit(first17)
        raise RuntimeError("demo generator ran out of ID sequence numbers for one birth date")

    # --- people --------------------------------------------------------------------------
    def person(
        self,
        sex: str,
        age: int,
        relation: str,
        *,
        surname: str | None = None,
        region: tuple[str, str, str, int] | None = None,
    ) -> Person:
        region = region or self.rng.choices(BIRTH_REGIONS, self._region_weights)[0]
        birth = self.birth_date(age)
        ethnicity = self.rng.choices([e for e, _ in ETHNICITIES], [w for _, w in ETHNICITIES])[0]
        person = Person(
            name=self.name(sex, surname),
            sex=sex,
            birth_date=birth,
            id_number=self.id_number(region[0], birth, sex),
            ethnicity=ethnicity,
            relation=relation,
            hukou_region=region[1],
            card_authority=region[2],
        )
        if age >= 16:
            person.phone = self.phone()
        return person

    def household(self) -> list[Person]:
        """One household's members, head first, with ages and relations that fit together."""
        rng = self.rng
        kind = rng.choices(
            ["single_elder", "single", "couple", "couple_child", "three_generations", "elder_couple"],
            [9, 7, 14, 40, 18, 12],
        )[0]
        head_sex = "male" if rng.random() < 0.72 else "female"
        other = "female" if head_sex == "male" else "male"
        if kind == "single_elder":
            return [self.person(rng.choice(["male", "female"]), rng.randint(62, 96), "户主")]
        if kind == "single":
            return [self.person(rng.choice(["male", "female"]), rng.randint(20, 58), "户主")]
        if kind == "elder_couple":
            age = rng.randint(60, 92)
            head = self.person(head_sex, age, "户主")
            return [head, self.person(other, _clamp(age + rng.randint(-5, 4), 58, 98), "配偶")]
        if kind == "three_generations":
            age = rng.randint(32, 55)
            head = self.person(head_sex, age, "户主")
            members = [head, self.person(other, _clamp(age + rng.randint(-4, 4), 22, 70), "配偶")]
            members += self._children(head, age, rng.randint(1, 2))
            parent_age = _clamp(age + rng.randint(23, 32), 50, 99)
            members.append(self.person("male", parent_age, "父亲", surname=head.name[: _surname_len(head)]))
            if rng.random() < 0.8:
                members.append(self.person("female", _clamp(parent_age + rng.randint(-5, 3), 48, 99), "母亲"))
            return members
        age = rng.randint(24, 58)
        head = self.person(head_sex, age, "户主")
        members = [head, self.person(other, _clamp(age + rng.randint(-4, 4), 20, 70), "配偶")]
        if kind == "couple_child":
            members += self._children(head, age, rng.choices([1, 2, 3], [62, 33, 5])[0])
        return members

    def _children(self, head: Person, head_age: int, count: int) -> list[Person]:
        surname = head.name[: _surname_len(head)] if head.sex == "male" else None
        children = []
        for _ in range(count):
            age = max(0, head_age - self.rng.randint(22, 36))
            sex = self.rng.choice(["male", "female"])
            relation = "子" if sex == "male" else "女"
            children.append(self.person(sex, age, relation, surname=surname, region=BIRTH_REGIONS[0]))
        return children

    def surname_of(self, person: Person) -> str:
        return person.name[: _surname_len(person)]


def _surname_len(person: Person) -> int:
    return 2 if person.name[:2] in ("欧阳", "司马") else 1


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)
