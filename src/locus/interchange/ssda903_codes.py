"""The meanings of the SSDA903 codes that the importer puts into words, a few words each.

The bundled specs (``schemas/ssda903/``) list the codes without their meanings; these are
the DfE's meanings, shortened, for a placement's description and an episode's end reason.
"""

from __future__ import annotations

PLACE_LABELS = {
    "A3": "placed for adoption with consent, with current foster carers",
    "A4": "placed for adoption with consent, not with current foster carers",
    "A5": "placed for adoption under a placement order, with current foster carers",
    "A6": "placed for adoption under a placement order, not with current foster carers",
    "H5": "semi-independent or supported accommodation",
    "K1": "secure children's home",
    "K2": "children's home",
    "P1": "placed with parents or others with parental responsibility",
    "P2": "independent living",
    "P3": "residential employment",
    "R1": "residential care home",
    "R2": "NHS or other health establishment",
    "R3": "family centre or mother and baby unit",
    "R5": "young offender institution",
    "S1": "residential school",
    "T0": "temporary placement",
    "T1": "temporary period in hospital",
    "T2": "temporary absence on holiday",
    "T3": "temporary while the foster carers are on holiday",
    "T4": "temporary accommodation of seven days or less",
    "U1": "foster placement with relatives or friends, long term",
    "U2": "foster placement with relatives or friends, fostering for adoption",
    "U3": "foster placement with relatives or friends",
    "U4": "foster placement with other foster carers, long term",
    "U5": "foster placement with other foster carers, fostering for adoption",
    "U6": "foster placement with other foster carers",
    "Z1": "other placement",
}
PROVIDER_LABELS = {
    "PR0": "parents or others with parental responsibility",
    "PR1": "the council's own provision",
    "PR2": "another local authority",
    "PR3": "other public provision",
    "PR4": "private provision",
    "PR5": "voluntary or third sector provision",
}
REASON_LABELS = {
    "X1": "episode ceased and a new one began the same day",
    "E11": "adopted (application unopposed)",
    "E12": "adopted (consent dispensed with)",
    "E2": "died",
    "E3": "care taken over by another local authority",
    "E4A": "returned home as part of the care plan",
    "E4B": "returned home, not as part of the care plan",
    "E13": "left care to live with a parent or relative without parental responsibility",
    "E41": "residence or child arrangements order",
    "E43": "special guardianship order to former foster carers",
    "E44": "special guardianship order to other carers",
    "E45": "special guardianship order to former foster carers (relatives or friends)",
    "E46": "special guardianship order to former foster carers (others)",
    "E47": "special guardianship order to other carers (relatives or friends)",
    "E48": "special guardianship order to other carers (others)",
    "E5": "moved to independent living with support",
    "E6": "moved to independent living without support",
    "E7": "transferred to adult social care residential care",
    "E9": "sentenced to custody",
    "E14": "accommodation on remand ended",
    "E15": "age assessed as 18 or over",
    "E16": "moved abroad",
    "E17": "aged 18 and stayed with current carers",
    "E8": "ceased for another reason",
}
MISSING_LABELS = {"M": "Missing from placement", "A": "Away from placement without authorisation"}
