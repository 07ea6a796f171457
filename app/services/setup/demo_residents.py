"""A generated person as the population base holds them: the resident row (address, ID card
dates that follow the real validity rules: 10 years under 26, 20 under 46, long-term after) and
the tags staff would have assigned."""

from __future__ import annotations

import datetime as dt
import random

from app.models.resident_keys import search_keys
from app.services.setup.demo_people import Person


class ResidentRows:
    def __init__(self, rng: random.Random, today: dt.date, roads: list[str], tag_codes: set[str]):
        self.rng = rng
        self.today = today
        self.roads = roads
        self.tag_codes = tag_codes

    def row(self, person: Person, household_id: int, address: str, grid_id: int | None = None) -> dict:
        age = _age(person.birth_date, self.today)
        valid_from = valid_to = None
        long_term = False
        if age >= 16:
            years_ago = self.rng.randint(0, 9)
            valid_from = _shift_years(self.today, -years_ago) - dt.timedelta(days=self.rng.randint(0, 300))
            issued_age = age - years_ago
            if issued_age >= 46:
                long_term = True
            else:
                valid_to = _shift_years(valid_from, 10 if issued_age < 26 else 20)
        local = person.hukou_region.startswith("陕西省铜川市王益区")
        return {
            "id_number": person.id_number,
            "name": person.name,
            "sex": person.sex,
            "ethnicity": person.ethnicity,
            "birth_date": person.birth_date,
            "hukou_address": address
            if local
            else f"{person.hukou_region}{self.rng.choice(self.roads)}{self.rng.randint(1, 99)}号",
            "current_address": address,
            "phone": person.phone,
            "household_id": household_id,
            "grid_id": grid_id,  # the household's, as the database keeps it (else its trigger writes it)
            "relation_to_head": person.relation,
            "card_authority": person.card_authority if age >= 16 else "",
            "card_valid_from": valid_from,
            "card_valid_to": valid_to,
            "card_long_term": long_term,
            # Bulk inserts skip the ORM's listeners: the search keys are derived here.
            **search_keys(person.name, person.phone),
        }

    def tags(self, person: Person, household_size: int) -> list[str]:
        """Tags staff would have assigned; the age tags need no row, they follow the birth date."""
        rng, age = self.rng, _age(person.birth_date, self.today)
        tags = []
        if age >= 18 and rng.random() < 0.085:
            tags.append("party_member")
        if person.sex == "male" and 20 <= age <= 85 and rng.random() < 0.03:
            tags.append("veteran")
        if rng.random() < 0.025:
            tags.append("disabled")
        if household_size == 1 and age >= 60:
            tags.append("living_alone")
            if rng.random() < 0.05:
                tags.append("special_hardship")
        elif rng.random() < 0.02:
            tags.append("low_income")
        return [t for t in tags if t in self.tag_codes]


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _shift_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
