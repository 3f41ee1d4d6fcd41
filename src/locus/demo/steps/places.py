"""Step 2: schools and public places, on real Hackney postcodes."""

from __future__ import annotations

from locus.demo import borough, names
from locus.demo.postcodes import Postcode
from locus.demo.steps.base import SYNTHETIC_LA_CODE, Base
from locus.places.models import Context, ContextKind


class Places(Base):
    def postcode_in(self, district: str) -> Postcode:
        return self.rng.choice(self.districts.get(district) or list(self.postcodes))

    def make_places(self) -> None:
        contexts: list[Context] = []
        for school in borough.SCHOOLS:
            pc = self.postcode_in(school.district)
            ctx = self.context(
                ContextKind.SCHOOL,
                school.name,
                postcode=pc,
                address=f"{self.rng.choice(names.STREETS)}, London",
                description=f"{school.phase.capitalize()} school, DfE number "
                f"{SYNTHETIC_LA_CODE}/{school.estab}.",
                agency=self.school_agency[school.name],
            )
            self.schools[school.name] = ctx
            self.school_specs.append(school)
            contexts.append(ctx)
        for place in borough.PLACES:
            place_pc = self.postcode_in(place.district) if place.district else None
            ctx = self.context(
                place.kind,
                place.name,
                postcode=place_pc,
                address=f"{self.rng.choice(names.STREETS)}, London" if place_pc else "",
                description=place.description,
                agency=self.agencies[place.agency] if place.agency else None,
            )
            self.places[place.key] = ctx
            self.place_specs[place.key] = place
            contexts.append(ctx)
        self.bulk(Context, contexts, "places")
