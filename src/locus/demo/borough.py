"""The shape of the synthetic borough: organisations, schools and places.

Hackney-shaped but invented: the agencies are the kinds a London borough has,
the schools and places have made-up names, and everything sits on a real
Hackney postcode in the district named here. Area names (Dalston, Clapton...)
are public geography and used only to describe places.
"""

from __future__ import annotations

from dataclasses import dataclass

from locus.access.models import AgencyKind, Role
from locus.places.models import ContextKind

CSC_NAME = "Children's Social Care"  # its presence marks a generated borough


@dataclass(frozen=True)
class TeamSpec:
    key: str
    name: str
    # (role, job title, people per worker, minimum): a team of max(minimum, N / per).
    staff: tuple[tuple[str, str, int, int], ...]
    independent: bool = False  # an independent reviewing service (conference chairs)


@dataclass(frozen=True)
class AgencySpec:
    key: str
    name: str
    kind: str
    teams: tuple[TeamSpec, ...]


P, M, A = Role.PRACTITIONER, Role.MANAGER, Role.ANALYST

# fmt: off
AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec("csc", CSC_NAME, AgencyKind.CHILDRENS_SOCIAL_CARE, (
        TeamSpec("cs", "Contextual Safeguarding Team",
                 ((P, "Social worker", 1200, 2), (P, "Specialist youth worker", 2500, 1))),
        TeamSpec("assessment", "Assessment Team",
                 ((M, "Team manager", 100_000, 1), (P, "Social worker", 800, 2))),
        TeamSpec("cin", "Children in Need Team",
                 ((M, "Team manager", 100_000, 1), (P, "Social worker", 220, 3))),
        TeamSpec("cic", "Children in Care Team",
                 ((M, "Team manager", 100_000, 1), (P, "Social worker", 700, 2))),
        # Independent chairs: no caseload, so no staff beyond the demo's conference chair.
        TeamSpec("quality", "Safeguarding and Quality Assurance Unit", (), independent=True),
    )),
    AgencySpec("yjs", "Youth Justice Service", AgencyKind.YOUTH_JUSTICE, (
        TeamSpec("yjs_case", "Youth Justice Casework Team",
                 ((M, "Team manager", 100_000, 1), (P, "Youth justice officer", 700, 2))),
        TeamSpec("yjs_prev", "Prevention and Diversion Team", ((P, "Prevention worker", 1500, 1),)),
    )),
    AgencySpec("police", "Metropolitan Police, Central East", AgencyKind.POLICE, (
        TeamSpec("police_si", "Safeguarding Investigations",
                 ((M, "Detective sergeant", 100_000, 1), (P, "Detective constable", 800, 2),
                  (P, "Youth engagement officer", 2500, 1))),
        TeamSpec("police_intel", "Intelligence Analysts", ((A, "Intelligence analyst", 2500, 1),)),
    )),
    AgencySpec("youth", "Youth and Early Help Service", AgencyKind.YOUTH_SERVICE, (
        TeamSpec("early_help", "Early Help Team",
                 ((M, "Team manager", 100_000, 1), (P, "Early help practitioner", 400, 2))),
        TeamSpec("detached", "Detached Youth Work Team", ((P, "Detached youth worker", 1500, 2),)),
    )),
    AgencySpec("health", "Riverside Community Health", AgencyKind.HEALTH, (
        TeamSpec("school_nursing", "School Nursing Team", ((P, "School nurse", 2500, 1),)),
        TeamSpec("camhs", "Adolescent Mental Health Team",
                 ((P, "Mental health practitioner", 2500, 1),)),
    )),
    AgencySpec("community_safety", "Community Safety Partnership", AgencyKind.COMMUNITY_SAFETY, (
        TeamSpec("csu", "Community Safety Unit",
                 ((P, "Community safety officer", 2500, 1),
                  (A, "Community safety analyst", 10_000, 1))),
        TeamSpec("parks", "Parks and Estates Safety Team",
                 ((P, "Estates safety officer", 5000, 1),)),
    )),
    AgencySpec("voluntary", "Safe Passage Youth Charity", AgencyKind.VOLUNTARY, (
        TeamSpec("mentoring", "Mentoring Team", ((P, "Youth mentor", 2500, 1),)),
    )),
    AgencySpec("partner", "Kingsgate Centre Security Ltd", AgencyKind.PARTNER, (
        TeamSpec("security", "Centre Security", ((P, "Security supervisor", 10_000, 1),)),
    )),
    AgencySpec("housing", "Rowan Housing Association", AgencyKind.PARTNER, (
        TeamSpec("housing", "Tenancy Services", ()),
    )),
)
# fmt: on

SCHOOL_TEAM = "Safeguarding Team"


@dataclass(frozen=True)
class SchoolSpec:
    name: str
    phase: str  # primary | secondary | college | pru
    district: str
    estab: str  # invented four-digit DfE establishment number
    sixth_form: bool = False
    sex: str = ""  # "1" boys only, "2" girls only, "" mixed

    @property
    def short(self) -> str:
        for suffix in (" School", " Academy", " College"):
            if self.name.endswith(suffix):
                return self.name[: -len(suffix)]
        return self.name


SCHOOLS: tuple[SchoolSpec, ...] = (
    SchoolSpec("Mossfield Academy", "secondary", "E5", "4101", sixth_form=True),
    SchoolSpec("Brookfield Girls' Academy", "secondary", "E5", "4102", sex="2"),
    SchoolSpec("Our Lady of the Marsh Catholic School", "secondary", "E5", "4103"),
    SchoolSpec("Hartwell Community School", "secondary", "E8", "4104", sixth_form=True),
    SchoolSpec("Kingsgate Academy", "secondary", "E8", "4105"),
    SchoolSpec("Stoke Rise School", "secondary", "N16", "4106", sixth_form=True),
    SchoolSpec("Amberley Boys' School", "secondary", "N16", "4107", sex="1"),
    SchoolSpec("Wick Lane Academy", "secondary", "E9", "4108"),
    SchoolSpec("Homefield City Academy", "secondary", "E9", "4109", sixth_form=True),
    SchoolSpec("Shoreford Academy", "secondary", "N1", "4110", sixth_form=True),
    SchoolSpec("Delaune Park School", "secondary", "N1", "4111"),
    SchoolSpec("Fernbank Academy", "secondary", "N4", "4112"),
    SchoolSpec("Riverside Sixth Form College", "college", "E8", "4113", sixth_form=True),
    SchoolSpec("Laburnum Learning Centre (pupil referral unit)", "pru", "E9", "1101"),
    SchoolSpec("Rectory Fields Primary School", "primary", "E5", "2101"),
    SchoolSpec("Sandbrook Primary School", "primary", "N16", "2102"),
    SchoolSpec("Haggerfield Primary School", "primary", "E2", "2103"),
    SchoolSpec("Wellstead Primary School", "primary", "E9", "2104"),
    SchoolSpec("Cobden Street Primary School", "primary", "N1", "2105"),
    SchoolSpec("Osier Lane Primary School", "primary", "E8", "2106"),
)

# Other primaries where children got their UPN before moving (invented numbers).
OTHER_PRIMARY_ESTABS: tuple[str, ...] = tuple(f"{2200 + i}" for i in range(1, 19))


@dataclass(frozen=True)
class PlaceSpec:
    key: str
    kind: str
    name: str
    district: str  # "" for online spaces (no postcode)
    agency: str = ""  # key of the responsible agency, if any
    description: str = ""
    hot: bool = False
    end_district: str = ""  # a route's end


PLACES: tuple[PlaceSpec, ...] = (
    # The four hot places: incidents concentrate here in space and time.
    PlaceSpec(
        "centre",
        ContextKind.RETAIL,
        "Kingsgate Shopping Centre",
        "E8",
        "partner",
        "Covered shopping centre in Dalston with a food court; young people gather after "
        "school. Security is run by Kingsgate Centre Security Ltd.",
        hot=True,
    ),
    PlaceSpec(
        "marsh_fields",
        ContextKind.OPEN_SPACE,
        "Marsh Lane Fields",
        "E5",
        "community_safety",
        "Playing fields and towpath by the River Lea, poorly lit after dark.",
        hot=True,
    ),
    PlaceSpec(
        "stairwell",
        ContextKind.OTHER,
        "Stairwell, Block C, Rowan Estate",
        "E5",
        "community_safety",
        "Internal stairwell of a housing estate block; the entry door does not lock.",
        hot=True,
    ),
    PlaceSpec(
        "bus_h5",
        ContextKind.TRANSPORT,
        "Bus route H5 (Kingsgate to Stoke Rise)",
        "N16",
        "",
        "Bus route between Dalston and Stoke Newington, busy at the end of the school day.",
        hot=True,
    ),
    # Other public places.
    PlaceSpec("clapton_parade", ContextKind.RETAIL, "Clapton Parade shops", "E5"),
    PlaceSpec("rowan_common", ContextKind.OPEN_SPACE, "Rowan Common", "N16", "community_safety"),
    PlaceSpec(
        "sandbrook_gardens", ContextKind.OPEN_SPACE, "Sandbrook Gardens", "N1", "community_safety"
    ),
    PlaceSpec("wick_green", ContextKind.OPEN_SPACE, "Wick Green", "E9", "community_safety"),
    PlaceSpec(
        "haggerfield_park", ContextKind.OPEN_SPACE, "Haggerfield Park", "E2", "community_safety"
    ),
    PlaceSpec("fernbank_woods", ContextKind.OPEN_SPACE, "Fernbank Reservoir path", "N4"),
    PlaceSpec("kingsgate_station", ContextKind.TRANSPORT, "Kingsgate Overground station", "E8"),
    PlaceSpec("hartwell_central", ContextKind.TRANSPORT, "Hartwell Central station", "E8"),
    PlaceSpec("clapford_bus", ContextKind.TRANSPORT, "Clapford bus station", "E5"),
    PlaceSpec("stamford_stop", ContextKind.TRANSPORT, "Stamford Rise bus stop", "N16"),
    PlaceSpec("golden_wings", ContextKind.FOOD_OUTLET, "Golden Wings Fried Chicken", "E8"),
    PlaceSpec("peri_palace", ContextKind.FOOD_OUTLET, "Peri Palace", "E5"),
    PlaceSpec("crispy_corner", ContextKind.FOOD_OUTLET, "Crispy Corner Chicken", "N16"),
    PlaceSpec("wick_chicken", ContextKind.FOOD_OUTLET, "Wick Chicken & Pizza", "E9"),
    PlaceSpec("rowan_estate", ContextKind.OTHER, "Rowan Estate", "E5", "community_safety"),
    PlaceSpec("lockmead_estate", ContextKind.OTHER, "Lockmead Estate", "N16", "community_safety"),
    PlaceSpec("shoreford_youth", ContextKind.OTHER, "Shoreford Youth Club", "N1", "youth"),
    PlaceSpec(
        "vulnerable_flat",
        ContextKind.HOME,
        "Flat 14, Lockmead House",
        "N16",
        "",
        "Flat of a disabled adult; older young people have been using it to meet and to "
        "hold others there.",
    ),
    PlaceSpec(
        "chat_group",
        ContextKind.ONLINE,
        "Year-group chat on a messaging app",
        "",
        "",
        "Large group chat shared across several schools' year groups.",
    ),
    PlaceSpec(
        "gaming_channel",
        ContextKind.ONLINE,
        "Local gaming voice channel",
        "",
        "",
        "Voice channel where local young people play online games together.",
    ),
    PlaceSpec(
        "video_page",
        ContextKind.ONLINE,
        "'Ends' video-sharing page",
        "",
        "",
        "Public page that reposts local videos, including of fights.",
    ),
    PlaceSpec(
        "towpath_route",
        ContextKind.ROUTE,
        "Canal towpath, Wick Green to Clapton",
        "E9",
        "",
        "The walk along the canal that young people take between the two estates.",
        end_district="E5",
    ),
)

# Incident kinds by where they happen: (kind, weight).
HOT_KINDS: dict[str, tuple[tuple[str, float], ...]] = {
    "centre": (
        ("robbery", 0.30),
        ("cse", 0.12),
        ("grooming", 0.15),
        ("peer_physical", 0.23),
        ("cce", 0.10),
        ("other", 0.10),
    ),
    "marsh_fields": (
        ("syv", 0.30),
        ("robbery", 0.20),
        ("peer_physical", 0.20),
        ("sexual_assault", 0.10),
        ("cce", 0.10),
        ("hsb", 0.10),
    ),
    "stairwell": (
        ("cce", 0.40),
        ("syv", 0.20),
        ("sexual_assault", 0.15),
        ("cse", 0.15),
        ("other", 0.10),
    ),
    "bus_h5": (("robbery", 0.40), ("peer_physical", 0.30), ("syv", 0.20), ("hsb", 0.10)),
}
SCHOOL_KINDS = (("bullying", 0.4), ("peer_physical", 0.3), ("hsb", 0.2), ("online_harm", 0.1))
PLACE_KINDS = (
    ("robbery", 0.25),
    ("syv", 0.2),
    ("peer_physical", 0.3),
    ("cce", 0.1),
    ("other", 0.15),
)
VULNERABLE_HOME_KINDS = (("cse", 0.4), ("cce", 0.3), ("sexual_assault", 0.2), ("hsb", 0.1))
ONLINE_KINDS = (("online_harm", 0.5), ("grooming", 0.25), ("cse", 0.15), ("bullying", 0.1))

# Short, child-free summaries: what happened and where, never who.
SUMMARIES: dict[str, tuple[str, ...]] = {
    "cse": (
        "Concerns that a young person is being sexually exploited; seen getting into cars "
        "near {place}.",
        "Young person given gifts and alcohol by older males at {place}.",
    ),
    "cce": (
        "Young person found carrying packages for older peers at {place}.",
        "Intelligence that young people are being used to hold drugs at {place}.",
    ),
    "hsb": (
        "Sexualised comments and unwanted touching between peers at {place}.",
        "Harmful sexual behaviour reported between young people at {place}.",
    ),
    "peer_physical": (
        "Young person assaulted by peers at {place}.",
        "Fight between young people at {place}; one hurt.",
    ),
    "sexual_assault": (
        "Young person reports being sexually assaulted at {place}.",
        "Disclosure of a sexual assault by peers at {place}.",
    ),
    "robbery": (
        "Phone and money taken by a group of young people at {place}.",
        "Young person robbed of a bike and jacket at {place}.",
    ),
    "grooming": (
        "Older contact building a relationship with a young person at {place}.",
        "Young person contacted and offered money by an older stranger at {place}.",
    ),
    "syv": (
        "Young person injured with a weapon at {place}.",
        "Group fight involving a knife at {place}.",
    ),
    "online_harm": (
        "Intimate image shared without consent in {place}.",
        "Threats and humiliating video posted in {place}.",
    ),
    "bullying": (
        "Repeated bullying of a young person at {place}.",
        "Name-calling and exclusion by a group at {place}, over several weeks.",
    ),
    "other": (
        "Young people reported for antisocial behaviour at {place}; one was frightened.",
        "Concern reported about young people gathering at {place} late at night.",
    ),
    "missing": (
        "Reported missing from home; returned the next morning.",
        "Missing overnight; found by police near {hot}.",
        "Did not return home after school; located at {hot} the same evening.",
    ),
}

# Names for neighbourhood peer groups, by district (invented features).
NEIGHBOURHOOD_GROUPS: dict[str, tuple[str, ...]] = {
    "E5": ("Rowan Estate peer group", "Clapton skatepark group", "Marsh Lane towpath group"),
    "E8": ("Kingsgate food court group", "Hartwell ball-court group", "Dalston Lane group"),
    "E9": ("Wick Green group", "Homefield estate group", "Canal bridge group"),
    "N16": ("Lockmead Estate peer group", "Stamford Rise group", "Rowan Common group"),
    "N1": ("Shoreford youth club group", "Sandbrook Gardens group", "Canal basin group"),
    "N4": ("Fernbank group", "Reservoir path group"),
    "E2": ("Haggerfield Park group", "Haggerston arches group"),
}
