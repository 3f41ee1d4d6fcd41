"""Young people and adults of concern, their identifiers, legal status and allocation."""

from __future__ import annotations

import datetime as dt

from django.db import models

from locus.access.models import optional_worker, recorded_fields, recorded_in_team_field
from locus.common.modelkit import current_indexes
from locus.common.models import Period, one_open_constraint, period_constraint, recorded_by_field


class PersonKind(models.TextChoices):
    YOUNG_PERSON = "young_person", "Young person"
    ADULT_OF_CONCERN = "adult_of_concern", "Adult of concern"


class Sex(models.TextChoices):
    # The CIN census codes 1 (male), 2 (female), 0 (not known), 9 (not stated).
    MALE = "1", "Male"
    FEMALE = "2", "Female"
    NOT_KNOWN = "0", "Not known"
    NOT_STATED = "9", "Not stated"


class Ethnicity(models.TextChoices):
    """The DfE ethnicity codes used in the CIN census and SSDA903."""

    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WOTH = "WOTH", "Any other White background"
    WROM = "WROM", "Gypsy/Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Black Caribbean"
    BAFR = "BAFR", "Black African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class Person(models.Model):
    kind = models.CharField(
        max_length=20, choices=PersonKind.choices, default=PersonKind.YOUNG_PERSON
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    known_as = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.NOT_KNOWN)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    la_child_id = models.CharField("LA child ID", max_length=20, null=True, blank=True, unique=True)
    upn = models.CharField("UPN", max_length=13, null=True, blank=True, unique=True)
    nhs_number = models.CharField("NHS number", max_length=10, null=True, blank=True, unique=True)
    # Not ``optional_fk``: that types a link only when given the model class, and
    # places.models (which imports this module) cannot be imported here.
    home = models.ForeignKey(
        "places.Context",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="residents",
        help_text="The home context where the person lives.",
    )
    retain_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    recorded_by = recorded_by_field("person")
    recorded_in_team = recorded_in_team_field("person")

    class Meta:
        verbose_name_plural = "people"
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["date_of_birth"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def initials(self) -> str:
        return f"{self.given_name[:1]}{self.family_name[:1]}".upper()

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def person_fk(related_name: str) -> models.ForeignKey[Person, Person]:
    """The person a row is about. Purging the person under the retention rules deletes the
    row with them, so nothing about a purged child is left behind (no shadow list)."""
    return models.ForeignKey(Person, on_delete=models.CASCADE, related_name=related_name)


class LegalStatus(models.TextChoices):
    EARLY_HELP = "EH", "Early help"
    CHILD_IN_NEED = "CIN", "Child in need (s.17)"
    CHILD_PROTECTION = "CP", "Child protection plan"
    LOOKED_AFTER = "LAC", "Looked after child"
    YOUTH_JUSTICE = "YJS", "Open to youth justice"


class CPCategory(models.TextChoices):
    NEGLECT = "NEG", "Neglect"
    PHYSICAL = "PHY", "Physical abuse"
    SEXUAL = "SAB", "Sexual abuse"
    EMOTIONAL = "EMO", "Emotional abuse"
    MULTIPLE = "MUL", "Multiple"


class LACLegalStatus(models.TextChoices):
    """SSDA903 legal statuses of a looked-after child."""

    C1 = "C1", "Interim care order"
    C2 = "C2", "Full care order"
    D1 = "D1", "Freeing order granted"
    E1 = "E1", "Placement order granted"
    J1 = "J1", "Remanded to LA accommodation or youth detention"
    J2 = "J2", "Placed in LA accommodation under PACE"
    J3 = "J3", "Sentenced to CRO with residence requirement"
    L1 = "L1", "Under police protection in LA accommodation"
    L2 = "L2", "Emergency protection order"
    L3 = "L3", "Under child assessment order, away from home"
    V2 = "V2", "Single period of accommodation under s.20"
    V3 = "V3", "Accommodated under agreed series of short-term breaks"
    V4 = "V4", "Accommodated under series of short-term breaks"


class LegalStatusEpisode(Period):
    person = person_fk("episodes")
    status = models.CharField(max_length=3, choices=LegalStatus.choices)
    cp_category = models.CharField(max_length=3, choices=CPCategory.choices, blank=True)
    lac_legal_status = models.CharField(max_length=2, choices=LACLegalStatus.choices, blank=True)
    agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    # Why it ended (or changed into the next): the record of a plan keeps its reasons.
    end_reason = models.CharField(max_length=500, blank=True)

    class Meta(Period.Meta):
        indexes = current_indexes("end", "person")
        constraints = [
            period_constraint("episode_end_after_start"),
            # A child may be open to several statuses at once (in need and youth justice),
            # never twice to one: a change ends one episode as it opens the next.
            one_open_constraint("episode_one_open_per_status", ["person", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} from {self.start:%d/%m/%Y}"

    @property
    def detail(self) -> str:
        if self.status == LegalStatus.CHILD_PROTECTION and self.cp_category:
            return self.get_cp_category_display()
        if self.status == LegalStatus.LOOKED_AFTER and self.lac_legal_status:
            return f"{self.lac_legal_status}: {self.get_lac_legal_status_display()}"
        return ""


class Allocation(Period):
    """A person allocated to a worker (and so to the worker's team): the caseload."""

    person = person_fk("allocations")
    worker = models.ForeignKey(
        "access.Worker", on_delete=models.PROTECT, related_name="allocations"
    )
    team = models.ForeignKey("access.Team", on_delete=models.PROTECT, related_name="allocations")
    # Why it ended: the case closed, a co-worker stepped back, a transfer (recorded with it).
    end_reason = models.CharField(max_length=500, blank=True)

    class Meta(Period.Meta):
        indexes = current_indexes("end", "worker", "team")
        constraints = [
            period_constraint("allocation_end_after_start"),
            one_open_constraint("allocation_one_open_per_worker", ["person", "worker"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} with {self.worker}"


class Identifier(models.TextChoices):
    """A person's identifiers that no two people share."""

    UPN = "upn", "UPN"
    NHS_NUMBER = "nhs_number", "NHS number"
    LA_CHILD_ID = "la_child_id", "LA child ID"


class QueryKind(models.TextChoices):
    IDENTIFIER = "identifier", "Identifier already held"
    DUPLICATE = "duplicate", "A record may already exist"


class QueryOutcome(models.TextChoices):
    """What the one who answers a possible-duplicate request found: only "a different child"
    lets the requester record the person."""

    DIFFERENT = "different", "A different child: may be recorded"
    SAME = "same", "The same child: do not record"


class IdentifierQuery(models.Model):
    """A worker asks for an identifier already held by another record to be checked.

    The worker editing ``person`` is told only that the identifier cannot be used
    (not that another child has it). The request goes to a named manager of the team
    holding ``conflicting`` (or to an administrator when nobody holds them), who may
    see that child and closes the request with a note; the requester is never told who.

    A ``DUPLICATE`` request comes from recording a new person (so there is no ``person``
    yet): what the worker typed is in ``details``, every record that matched it in
    ``matches`` (``conflicting`` is the one the request was routed by). Once the worker
    records a person from those details, ``person`` names them: a purge of that person
    deletes the request, with what was typed.
    """

    kind = models.CharField(max_length=10, choices=QueryKind.choices, default=QueryKind.IDENTIFIER)
    requested_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    field = models.CharField(max_length=12, choices=Identifier.choices, blank=True)
    value = models.CharField(max_length=20, blank=True)
    details = models.JSONField(default=dict, blank=True)
    # What the worker typed, compared without case, accents or spacing: an answered request
    # about the same details lets the worker record the person.
    search_key = models.CharField(max_length=300, blank=True)
    matches = models.ManyToManyField(Person, related_name="+", blank=True)
    note = models.TextField(blank=True)
    conflicting = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # Null: nobody held the other record and no administrator was active; any administrator answers.
    routed_to = optional_worker()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = optional_worker()
    closing_note = models.TextField(blank=True)
    # A possible-duplicate request's answer (blank while open, and for an identifier request).
    outcome = models.CharField(max_length=10, choices=QueryOutcome.choices, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name_plural = "identifier queries"
        indexes = [models.Index(fields=["routed_to", "closed_at"])]

    def __str__(self) -> str:
        if self.kind == QueryKind.DUPLICATE:
            return f"Possible duplicate query {self.pk}"
        return f"{self.get_field_display()} query about {self.person_id}"


class EndReason(models.TextChoices):
    MOVED = "moved", "Moved to a new address"
    CORRECTED = "corrected", "Corrected: the address was wrong"


class AddressPeriod(Period):
    """Where a person lived, from ``start`` to ``end`` (open: where they live now).

    The home is a ``places.Context`` of kind home, shared by the people who live there;
    ``Person.home`` points at the current one. A move ends the open period and opens the
    next, so the history keeps every address with its dates.
    """

    person = person_fk("addresses")
    home = models.ForeignKey("places.Context", on_delete=models.PROTECT, related_name="+")
    end_reason = models.CharField(max_length=10, choices=EndReason.choices, blank=True)
    recorded_by, recorded_at = recorded_fields()

    class Meta(Period.Meta):
        indexes = current_indexes("end", "person")
        constraints = [
            period_constraint("address_end_after_start"),
            one_open_constraint("address_one_open_per_person", ["person"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} at {self.home_id} from {self.start:%d/%m/%Y}"
