"""The words of a lawful basis for sharing, as the law has them (docs/sharing.md).

A share outside the holding team names three things, each a separate question:

* the **UK GDPR article 6(1)** basis for processing at all;
* the **article 9(2)** condition (special category data: health, ethnicity, sex life) or
  **article 10** condition (criminal offence data), with the Data Protection Act 2018
  schedule 1 paragraph it relies on; or none, when no such data is shared;
* the **statutory duty or power** the sharing serves.

Article 6(1)(f), legitimate interests, is not offered: a public authority cannot rely on it
for its tasks (article 6(1), last paragraph). Consent is offered but is not the usual basis
for safeguarding: it must be freely given and can be withdrawn, and where there is a duty to
protect a child, sharing does not wait on consent. Working Together to Safeguard Children
2023 is statutory guidance, not itself a duty: it is recorded as guidance followed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from locus.common.modelkit import choice_values


class Article6(models.TextChoices):
    PUBLIC_TASK = "6_1_e", "Public task: article 6(1)(e)"
    LEGAL_OBLIGATION = "6_1_c", "Legal obligation: article 6(1)(c)"
    VITAL_INTERESTS = "6_1_d", "Vital interests: article 6(1)(d)"
    CONSENT = "6_1_a", "Consent: article 6(1)(a)"


ARTICLE6_HINTS = {
    Article6.PUBLIC_TASK: "The usual basis for a local authority or the police safeguarding "
    "children: a task in the public interest or in the exercise of official authority.",
    Article6.LEGAL_OBLIGATION: "A law requires this sharing (for example, a court order).",
    Article6.VITAL_INTERESTS: "To protect someone's life in an emergency, when no other "
    "basis fits (emergency access).",
    Article6.CONSENT: "Not the usual basis for safeguarding: consent must be freely given and "
    "can be withdrawn at any time. Where there is a duty to protect a child, sharing does not "
    "wait on consent.",
}

CONSENT_WARNING = (
    "Consent is not the usual basis for safeguarding sharing. It must be freely given and can "
    "be withdrawn at any time; where there is a duty to protect a child, sharing does not wait "
    "on consent. Choose public task unless you have a reason to rely on consent."
)

NOT_OFFERED = (
    "Legitimate interests (article 6(1)(f)) is not offered: a public authority cannot rely on "
    "it for its tasks."
)


class Condition(models.TextChoices):
    SAFEGUARDING = (
        "sch1_18",
        "Substantial public interest, article 9(2)(g): DPA 2018 schedule 1 paragraph 18, "
        "safeguarding of children and of individuals at risk",
    )
    STATUTORY = (
        "sch1_6",
        "Substantial public interest, article 9(2)(g): DPA 2018 schedule 1 paragraph 6, "
        "statutory and government purposes",
    )
    UNLAWFUL_ACTS = (
        "sch1_10",
        "Substantial public interest, article 9(2)(g): DPA 2018 schedule 1 paragraph 10, "
        "preventing or detecting unlawful acts",
    )
    HEALTH_SOCIAL_CARE = (
        "sch1_2",
        "Health or social care, article 9(2)(h): DPA 2018 schedule 1 paragraph 2",
    )
    VITAL_INTERESTS = "9_2_c", "Vital interests, article 9(2)(c)"
    NONE = "none", "None: no special category or criminal offence data shared"


CONDITION_HINT = (
    "Special category data (health, ethnicity, sexual life) or criminal offence data (article "
    "10) needs a condition too. Safeguarding (paragraph 18) is the usual one."
)


class Duty(models.TextChoices):
    CA1989_S17 = "ca1989_s17", "Children Act 1989 s.17: children in need (a duty)"
    CA1989_S47 = "ca1989_s47", "Children Act 1989 s.47: child protection enquiries (a duty)"
    CA2004_S10 = "ca2004_s10", "Children Act 2004 s.10: co-operation to improve well-being (a duty)"
    CA2004_S11 = "ca2004_s11", "Children Act 2004 s.11: safeguarding arrangements (a duty)"
    CDA1998_S115 = "cda1998_s115", "Crime and Disorder Act 1998 s.115: disclosure (a power)"
    CDA1998_S37_39 = (
        "cda1998_s37_39",
        "Crime and Disorder Act 1998 s.37 and s.39: youth justice (a duty)",
    )
    EA2002_S175 = "ea2002_s175", "Education Act 2002 s.175: safeguarding in education (a duty)"
    OTHER = "other", "Other: say which"


GUIDANCE_LABEL = (
    "Working Together to Safeguard Children 2023 followed (statutory guidance, not itself a duty)"
)


@dataclass(frozen=True)
class Basis:
    """One share's lawful basis: the three parts, and whether Working Together was followed."""

    article6: str
    condition: str
    duty: str
    duty_other: str = ""
    guidance: bool = False

    @property
    def text(self) -> str:
        return basis_text(self.article6, self.condition, self.duty, self.duty_other, self.guidance)


def _label(choices: type[models.TextChoices], value: str) -> str:
    return str(choices(value).label) if value in choices.values else ""


def duty_text(duty: str, other: str) -> str:
    return f"Other: {other}" if duty == Duty.OTHER else _label(Duty, duty)


def basis_text(article6: str, condition: str, duty: str, other: str, guidance: bool) -> str:
    """A basis as a person reads it: the three parts, separated, and guidance followed."""
    parts = [_label(Article6, article6), _label(Condition, condition), duty_text(duty, other)]
    if guidance:
        parts.append("Working Together 2023 followed")
    return "; ".join(p for p in parts if p)


def _citation(label: str) -> str:
    """The law a choice cites, without its words: "Children Act 1989 s.47" from its label."""
    return label.split(":", 1)[0]


# The article 6 and 9 parts as they are cited ("6(1)(e)"), for a register that fits on a screen.
_CONDITION_CITED = {
    Condition.SAFEGUARDING: "Sch 1 para 18",
    Condition.STATUTORY: "Sch 1 para 6",
    Condition.UNLAWFUL_ACTS: "Sch 1 para 10",
    Condition.HEALTH_SOCIAL_CARE: "9(2)(h), Sch 1 para 2",
    Condition.VITAL_INTERESTS: "9(2)(c)",
    Condition.NONE: "no special category data",
}


def basis_cited(article6: str, condition: str, duty: str) -> str:
    """A basis in a few words, as a lawyer cites it: "6(1)(e) · Sch 1 para 18 · Children Act
    1989 s.47". The full words are on the same page (the register's details)."""
    parts = [
        _label(Article6, article6).replace(": article ", " "),
        _CONDITION_CITED.get(Condition(condition), "")
        if condition in choice_values(Condition)
        else "",
        "Other duty" if duty == Duty.OTHER else _citation(_label(Duty, duty)),
    ]
    return " · ".join(p for p in parts if p)


#: The usual basis for sharing to protect a child (s.47 enquiries); the demo and tests use it.
SAFEGUARDING = Basis(Article6.PUBLIC_TASK, Condition.SAFEGUARDING, Duty.CA1989_S47)
#: Children in need (s.17): support the family asked for, shared for its public task.
CHILDREN_IN_NEED = Basis(Article6.PUBLIC_TASK, Condition.SAFEGUARDING, Duty.CA1989_S17)
#: The police disclosing to partners to reduce crime and disorder (a power).
POLICE_DISCLOSURE = Basis(Article6.PUBLIC_TASK, Condition.UNLAWFUL_ACTS, Duty.CDA1998_S115)
#: A context plan's action given to a partner organisation (a business, a housing provider):
#: the local authority's arrangements to co-operate with "such other persons or bodies" as
#: it thinks fit (Children Act 2004 s.10(1)(c)), following Working Together.
PARTNER_ACTION = Basis(Article6.PUBLIC_TASK, Condition.SAFEGUARDING, Duty.CA2004_S10, guidance=True)
#: Break-glass: someone's life or safety is at stake now.
EMERGENCY = Basis(Article6.VITAL_INTERESTS, Condition.SAFEGUARDING, Duty.CA2004_S11)

#: What the basis kinds written before the structured basis (mapping.LawfulBasis) become:
#: public task and safeguarding (paragraph 18) with the duty each named; consent stays
#: consent. Working Together is guidance, not a duty, so its duty is left to be stated.
LEGACY = {
    "ca1989_s47": (Article6.PUBLIC_TASK, Duty.CA1989_S47, "", False),
    "ca1989_s17": (Article6.PUBLIC_TASK, Duty.CA1989_S17, "", False),
    "cda1998_s115": (Article6.PUBLIC_TASK, Duty.CDA1998_S115, "", False),
    "working_together_2023": (
        Article6.PUBLIC_TASK,
        Duty.OTHER,
        "Not stated: recorded as Working Together 2023 (guidance)",
        True,
    ),
    "consent": (Article6.CONSENT, Duty.OTHER, "Not stated: recorded as consent", False),
}


def legacy_basis(old: str, other: str) -> Basis:
    """The structured basis for a basis recorded the old way (a ``mapping.LawfulBasis``)."""
    if old == "other":
        return Basis(Article6.PUBLIC_TASK, Condition.SAFEGUARDING, Duty.OTHER, other[:300])
    article6, duty, duty_other, guidance = LEGACY.get(
        old, (Article6.PUBLIC_TASK, Duty.OTHER, f"Not stated: recorded as {old!r}", False)
    )
    return Basis(article6, Condition.SAFEGUARDING, duty, duty_other, guidance)
