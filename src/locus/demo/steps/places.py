"""Step 2: schools and public places, on real Hackney postcodes."""

from __future__ import annotations

from locus.demo import borough, names
from locus.demo.postcodes import Postcode
from locus.demo.steps.base import SYNTHETIC_LA_CODE, Base
from locus.places.models import Context, ContextKind


class Places(Base):
    def postcode_in(self, district: str) -> Postcode:
        return self.rng.choice(self.districts.get(district) or list(self.postcodes))

    def _middle(self, district: str) -> Postcode:
        found = self.districts.get(district) or list(self.postcodes)
        return found[len(found) // 2]

    def _route(self, place: borough.PlaceSpec) -> Context:
        # A route runs between two districts' middle postcodes: chosen without the
        # generator's random numbers, so adding one changes no other choice.
        start, end = (self._middle(d) for d in (place.district, place.end_district))
        return self.context(
            place.kind, place.name, postcode=start, end=end, description=place.description
        )

    def _place(self, place: borough.PlaceSpec) -> Context:
        place_pc = self.postcode_in(place.district) if place.district else None
        return self.context(
            place.kind,
            place.name,
            postcode=place_pc,
            address=f"{self.rng.choice(names.STREETS)}, London" if place_pc else "",
            description=place.description,
            agency=self.agencies[place.agency] if place.agency else None,
        )

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
            ctx = self._route(place) if place.end_district else self._place(place)
            self.places[place.key] = ctx
            self.place_specs[place.key] = place
            contexts.append(ctx)
        self.bulk(Context, contexts, "places")
