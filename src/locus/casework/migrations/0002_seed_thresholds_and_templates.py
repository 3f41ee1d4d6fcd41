"""Seed the context threshold and the three assessment templates.

Both are data an authority adapts in the admin (a new template version, a
renamed level); this migration gives every installation the starting set from
the Contextual Safeguarding framework. The data is written out here, not
imported from the app, so that the migration means the same thing forever.
"""

from django.db import migrations

LEVELS = [
    (
        1,
        "Universal",
        "The context is safe for young people with what universal services already do.",
        "nfa",
    ),
    (
        2,
        "Additional needs (early help)",
        "Some concerns that partners (the school, the venue, youth services) can meet "
        "without a case.",
        "nfa",
    ),
    (
        3,
        "Level 1: work with named children",
        "The concern is about particular children: their workers factor the context "
        "into their own plans.",
        "level_1",
    ),
    (
        4,
        "Level 2: context assessment",
        "The context itself is the subject: assess its capacity to keep young people safe.",
        "assessment",
    ),
    (
        5,
        "Complex: conference",
        "Serious or persistent harm in the context: assess it and bring it to a context "
        "conference.",
        "assessment",
    ),
]

RAG = "Rate the domain red, amber or green."

TEMPLATES = [
    {
        "kind": "peer_group",
        "name": "Peer group assessment",
        "context_kinds": ["peer_group"],
        "guidance": "Assess the group, not its members one by one: what the group is like, "
        "who looks out for it, and the places and circumstances around it. " + RAG,
        "domains": [
            {
                "key": "group_functioning",
                "title": "Group functioning",
                "prompt": "How members relate to one another, the group's identity, and how "
                "others see them.",
                "indicators": [
                    "Members look out for one another and challenge harm",
                    "The group's identity, interests and what it does together",
                    "Norms about violence, exploitation and sexual harm within the group",
                    "How schools, residents and other groups see the group",
                ],
            },
            {
                "key": "guardianship",
                "title": "Guardianship",
                "prompt": "The caring adults around the group: who knows where they are, who "
                "they trust, who steps in.",
                "indicators": [
                    "Trusted adults the group knows and goes to",
                    "Adults present where the group spends time",
                    "Professionals working with the group as a group",
                ],
            },
            {
                "key": "environmental_family",
                "title": "Environmental and family factors",
                "prompt": "The places the group uses, its links to other groups and adults of "
                "concern, and what families can do.",
                "indicators": [
                    "Places where the group spends time, and how safe they are",
                    "Links to older peers or adults who exploit young people",
                    "What families know and can do together",
                ],
            },
        ],
    },
    {
        "kind": "location",
        "name": "Neighbourhood and location assessment",
        "context_kinds": [
            "open_space",
            "retail",
            "transport",
            "food_outlet",
            "online",
            "home",
            "other",
        ],
        "guidance": "Assess the place: how young people experience it, who looks after it, "
        "and what about the space and its rules makes harm more or less likely. " + RAG,
        "domains": [
            {
                "key": "strengths_needs",
                "title": "Young people's strengths and needs",
                "prompt": "How young people use the place, what they say about their safety "
                "there, and what they need from it.",
                "indicators": [
                    "Young people's own views of the place (safety mapping)",
                    "What draws young people there, and what else they could do",
                    "Incidents and concerns reported at the place",
                ],
            },
            {
                "key": "guardianship",
                "title": "Guardianship",
                "prompt": "The people who shape the place: staff, security, residents, "
                "shopkeepers, drivers. Do they notice harm and act?",
                "indicators": [
                    "Staff and security who know how to respond to young people at risk",
                    "Residents and businesses who report concerns",
                    "Relationships between guardians and services",
                ],
            },
            {
                "key": "resources_environment_policy",
                "title": "Resources, physical environment and policy",
                "prompt": "Lighting, sight lines, hidden spaces, opening hours, CCTV, and the "
                "policies (licensing, exclusions, patrols) that govern the place.",
                "indicators": [
                    "Lighting, layout and places out of sight",
                    "Services and activities for young people nearby",
                    "Policies and practice that protect or exclude young people",
                ],
            },
        ],
    },
    {
        "kind": "school",
        "name": "School assessment (Beyond Referrals)",
        "context_kinds": ["school"],
        "guidance": "A traffic-light self-assessment of the school's response to harmful "
        "sexual behaviour and peer abuse, across four areas. " + RAG,
        "domains": [
            {
                "key": "structures_systems",
                "title": "Structures and systems",
                "prompt": "Policies, leadership, recording and the links with partners that "
                "shape the school's response.",
                "indicators": [
                    "Policies name peer-on-peer abuse and harmful sexual behaviour",
                    "Recording lets patterns (places, times, groups) be seen",
                    "Leaders and governors oversee the response",
                ],
            },
            {
                "key": "prevention",
                "title": "Prevention",
                "prompt": "Teaching, culture and the school environment that make harm less "
                "likely.",
                "indicators": [
                    "Relationships and sex education addresses consent and harm",
                    "The school knows its hotspots (corridors, toilets, routes home)",
                    "A culture where harmful attitudes are challenged",
                ],
            },
            {
                "key": "identification",
                "title": "Identification",
                "prompt": "How staff and students notice and report harm.",
                "indicators": [
                    "Students know how to report and trust that they will be heard",
                    "Staff recognise harmful sexual behaviour and peer abuse",
                    "Concerns from outside school (online, the community) reach the school",
                ],
            },
            {
                "key": "response_intervention",
                "title": "Response and intervention",
                "prompt": "What happens after a report, for the young people and for the "
                "contexts in which harm happened.",
                "indicators": [
                    "Support for young people harmed and work with those who harmed",
                    "Changes made to the places and groups where harm happened",
                    "Managed moves and exclusions considered for where harm goes next",
                ],
            },
        ],
    },
]


def seed(apps, schema_editor):
    ThresholdLevel = apps.get_model("casework", "ThresholdLevel")
    AssessmentTemplate = apps.get_model("casework", "AssessmentTemplate")
    for order, name, description, decision in LEVELS:
        ThresholdLevel.objects.get_or_create(
            order=order,
            defaults={"name": name, "description": description, "suggested_decision": decision},
        )
    for spec in TEMPLATES:
        AssessmentTemplate.objects.get_or_create(
            kind=spec["kind"], version=1, defaults={k: v for k, v in spec.items() if k != "kind"}
        )


def unseed(apps, schema_editor):
    apps.get_model("casework", "AssessmentTemplate").objects.filter(version=1).delete()
    apps.get_model("casework", "ThresholdLevel").objects.filter(
        order__in=[level[0] for level in LEVELS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
