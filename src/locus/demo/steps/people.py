"""Step 3: young people (in households, with homes) and adults of concern."""

from __future__ import annotations

import datetime as dt
from typing import Any

from locus.common.validators import upn_check_letter
from locus.demo import borough, names
from locus.demo.steps.base import (
    SYNTHETIC_LA_CODE,
    Base,
    _Adult,
    _age_on,
    _as_written,
    _nhs_check_digit,
    _pick,
    _raise,
    _years_after,
    _Young,
)
from locus.people.models import Identifier, Person, PersonKind, Sex
from locus.people.services import validate_person
from locus.places.models import Context, ContextKind, Tenure


class People(Base):
    in_use: dict[str, set[str]]  # identifier -> values already held

    def given_name(self, background: str, sex: str) -> str:
        girls, boys, _ = names.NAME_POOLS[background]
        if sex == Sex.FEMALE:
            return self.rng.choice(girls)
        if sex == Sex.MALE:
            return self.rng.choice(boys)
        return self.rng.choice(girls + boys)

    AGE_WEIGHTS = (
        (10, 7),
        (11, 8),
        (12, 10),
        (13, 11),
        (14, 13),
        (15, 14),
        (16, 14),
        (17, 13),
        (18, 10),
    )

    def dob_for_age(self, age: int) -> dt.date:
        latest = _years_after(self.today, -age)  # turns ``age`` today
        earliest = _years_after(self.today, -(age + 1)) + dt.timedelta(days=1)
        return self.date_between(earliest, latest)

    def exposure_for(self, age: int) -> int:
        if age < 12:
            weights = (0.88, 0.10, 0.02)
        elif age < 14:
            weights = (0.78, 0.16, 0.06)
        else:
            weights = (0.68, 0.22, 0.10)
        return self.rng.choices((0, 1, 2), weights=weights)[0]

    # Tenures in turn (not drawn at random, so the rest of the borough is as before): about
    # a third of Hackney's homes are social rented, and the housing association is the
    # landlord of those.
    TENURES = (
        Tenure.SOCIAL_RENTED,
        Tenure.PRIVATE_RENTED,
        Tenure.SOCIAL_RENTED,
        Tenure.OWNER_OCCUPIED,
        Tenure.TEMPORARY,
        Tenure.SOCIAL_RENTED,
        Tenure.NOT_KNOWN,
    )

    def tenancy(self, n: int) -> dict[str, Any]:
        tenure = self.TENURES[n % len(self.TENURES)]
        provider = self.agencies.get("housing") if tenure == Tenure.SOCIAL_RENTED else None
        return {"tenure": tenure, "housing_provider": provider}

    def make_people(self) -> None:
        step = "people"
        # Identifiers other records hold, read once: each new person's are checked against
        # these and those given out before them, in memory rather than by a query each.
        self.in_use = {
            name: set(
                Person.objects.filter(**{f"{name}__isnull": False}).values_list(name, flat=True)
            )
            for name in Identifier.values
        }
        homes: list[dict[str, Any]] = []  # rows, written as values
        # Each young person but their home, which is theirs once the homes are written: the
        # household's (its index in ``homes``).
        planned: list[dict[str, Any]] = []
        residential = [pc for pc in self.postcodes if not pc.district.startswith("EC")]
        while len(planned) < self.size:
            size = min(
                self.rng.choices((1, 2, 3), weights=(60, 30, 10))[0], self.size - len(planned)
            )
            ethnicity = _pick(self.rng, names.ETHNICITY_WEIGHTS)
            given_bg, family_bg = self.backgrounds(ethnicity)
            family = self.rng.choice(names.NAME_POOLS[family_bg][2])
            pc = self.rng.choice(residential)
            address = self.street_address()
            homes.append(
                self.context_row(
                    ContextKind.HOME,
                    address,
                    postcode=pc,
                    address=f"{address}, London",
                    **self.tenancy(len(homes)),
                )
            )
            first_age = _pick(self.rng, self.AGE_WEIGHTS)
            for k in range(size):
                age = first_age
                if k:
                    age = first_age + self.rng.choice((-5, -4, -3, -2, -1, 1, 2, 3, 4, 5))
                    if not 10 <= age <= 18:
                        age = _pick(self.rng, self.AGE_WEIGHTS)
                sex = self.rng.choices(
                    (Sex.MALE, Sex.FEMALE, Sex.NOT_KNOWN, Sex.NOT_STATED), weights=(49, 49, 1, 1)
                )[0]
                dob = self.dob_for_age(age)
                planned.append(
                    {
                        "index": len(planned),
                        "household": len(homes) - 1,
                        "sex": sex,
                        "ethnicity": ethnicity,
                        "given": self.given_name(given_bg, sex),
                        "family": family
                        if self.rng.random() < 0.9
                        else self.rng.choice(names.NAME_POOLS[family_bg][2]),
                        "dob": dob,
                        "district": pc.district,
                        "exposure": self.exposure_for(age),
                        "year_group": _age_on(dob, dt.date(self.acad_year, 8, 31)) - 4,
                    }
                )
        self.bulk_values(Context, homes, step)
        written = _as_written(Context, homes)
        self.households = [[] for _ in written]
        for fields in planned:
            young = _Young(home=written[fields["household"]], **fields)
            self.households[young.household].append(young)
            self.young.append(young)

        la_ids = self.rng.sample(range(1_000_000, 10_000_000), self.size)
        nhs_seen: set[str] = set()
        upn_serials: dict[tuple[str, int], int] = {}
        estabs = [s.estab for s in borough.SCHOOLS if s.phase == "primary"]
        estabs += list(borough.OTHER_PRIMARY_ESTABS)
        rows: list[dict[str, Any]] = []  # the young people's, then the adults'
        for young, la_id in zip(self.young, la_ids, strict=True):
            reception_year = self.acad_year - young.year_group
            estab = self.rng.choice(estabs)
            serial = upn_serials.get((estab, reception_year), self.rng.randint(1, 200))
            while serial > 999:  # full cohort: move to another school's numbers
                estab = self.rng.choice(estabs)
                serial = upn_serials.get((estab, reception_year), 1)
            upn_serials[(estab, reception_year)] = serial + 1
            digits = f"{SYNTHETIC_LA_CODE}{estab}{reception_year % 100:02d}{serial:03d}"
            nhs = None
            if self.rng.random() < 0.6:
                while nhs is None or nhs in nhs_seen:
                    nine = f"999{self.rng.randint(0, 999_999):06d}"  # 999: never issued
                    check = _nhs_check_digit(nine)
                    nhs = None if check is None else f"{nine}{check}"
                nhs_seen.add(nhs)
            row = self.person(
                kind=PersonKind.YOUNG_PERSON,
                given_name=young.given,
                family_name=young.family,
                date_of_birth=young.dob,
                sex=young.sex,
                ethnicity=young.ethnicity,
                la_child_id=f"C{la_id}",
                upn=upn_check_letter(digits) + digits,
                nhs_number=nhs,
                home=young.home,
                # Children's records are kept until the 25th birthday.
                retain_until=_years_after(young.dob, 25),
            )
            rows.append(row)
            if len(rows) % 500 == 0:
                self.progress(step, len(rows), self.size)
        for _ in range(self.count(35, 3)):
            age = self.rng.choices(
                range(19, 41), weights=[8 if a < 26 else 2 for a in range(19, 41)]
            )[0]
            sex = Sex.MALE if self.rng.random() < 0.85 else Sex.FEMALE
            ethnicity = _pick(self.rng, names.ETHNICITY_WEIGHTS)
            given_bg, family_bg = self.backgrounds(ethnicity)
            row = self.person(
                kind=PersonKind.ADULT_OF_CONCERN,
                given_name=self.given_name(given_bg, sex),
                family_name=self.rng.choice(names.NAME_POOLS[family_bg][2]),
                date_of_birth=self.dob_for_age(age),
                sex=sex,
                ethnicity=ethnicity,
                retain_until=self.today + dt.timedelta(days=6 * 365),
            )
            rows.append(row)
        self.bulk_values(Person, rows, step)
        persons = _as_written(Person, rows)
        for young, person in zip(self.young, persons[: self.size], strict=True):
            young.person = person
        hot_keys = [p.key for p in borough.PLACES if p.hot]
        for i, person in enumerate(persons[self.size :]):
            self.adults.append(_Adult(index=i, person=person, haunt=hot_keys[i % len(hot_keys)]))

    def person(self, **fields: Any) -> dict[str, Any]:
        """A person's row (``{attname: value}``), checked as ``person_create`` checks one."""
        # Adults of concern are recorded with no identifiers and no home.
        fields = {
            "known_as": "",
            "la_child_id": None,
            "upn": None,
            "nhs_number": None,
            "home": None,
            **fields,
        }
        _raise(validate_person(fields, in_use=self.in_use), "person")
        for name, taken in self.in_use.items():
            if fields.get(name):
                taken.add(fields[name])
        home = fields.pop("home")
        # Recorded by the system account, as for contexts (``Base.context``).
        return {
            **fields,
            "home_id": home.pk if home is not None else None,
            "created_at": self.now,
            "recorded_by_id": self.system.pk,
        }
