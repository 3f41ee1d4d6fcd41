"""Small CIN census returns written for the tests (all synthetic)."""

from __future__ import annotations

from pathlib import Path


def episode(
    referral: str = "2023-06-01",
    *,
    source: str = "2A",
    need: str = "N1",
    closure: str = "",
    factors: tuple[str, ...] = ("11A",),
    plan: bool = False,
    cp: str = "",
) -> str:
    closed = (
        f"<CINclosureDate>{closure}</CINclosureDate><ReasonForClosure>RC8</ReasonForClosure>"
        if closure
        else ""
    )
    factor_xml = "".join(f"<AssessmentFactors>{f}</AssessmentFactors>" for f in factors)
    plans = "<CINPlanDates><CINPlanStartDate>2023-07-01</CINPlanStartDate></CINPlanDates>"
    cp_xml = (
        f"<ChildProtectionPlans><CPPstartDate>2023-08-01</CPPstartDate>"
        f"<InitialCategoryOfAbuse>{cp}</InitialCategoryOfAbuse>"
        f"<LatestCategoryOfAbuse>{cp}</LatestCategoryOfAbuse>"
        "<NumberOfPreviousCPP>1</NumberOfPreviousCPP></ChildProtectionPlans>"
        if cp
        else ""
    )
    return (
        f"<CINdetails><CINreferralDate>{referral}</CINreferralDate>"
        f"<ReferralSource>{source}</ReferralSource><PrimaryNeedCode>{need}</PrimaryNeedCode>"
        f"{closed}"
        "<Assessments><AssessmentActualStartDate>2023-06-02</AssessmentActualStartDate>"
        "<AssessmentAuthorisationDate>2023-06-20</AssessmentAuthorisationDate>"
        f"<FactorsIdentifiedAtAssessment>{factor_xml}</FactorsIdentifiedAtAssessment>"
        "</Assessments>"
        f"{plans if plan else ''}"
        "<Section47><S47ActualStartDate>2023-06-03</S47ActualStartDate>"
        "<ICPCnotRequired>true</ICPCnotRequired></Section47>"
        "<ReferralNFA>false</ReferralNFA>"
        f"{cp_xml}</CINdetails>"
    )


def child(
    la_id: str = "LA0001",
    *,
    upn: str = "",
    dob: str = "2010-04-01",
    sex: str = "1",
    sex_tag: str = "GenderCurrent",
    ethnicity: str = "WBRI",
    episodes: tuple[str, ...] = (),
) -> str:
    upn_xml = f"<UPN>{upn}</UPN>" if upn else "<UPNunknown>UN1</UPNunknown>"
    return (
        "<Child><ChildIdentifiers>"
        f"<LAchildID>{la_id}</LAchildID>{upn_xml}"
        f"<PersonBirthDate>{dob}</PersonBirthDate><{sex_tag}>{sex}</{sex_tag}>"
        "</ChildIdentifiers><ChildCharacteristics>"
        f"<Ethnicity>{ethnicity}</Ethnicity>"
        "<Disabilities><Disability>NONE</Disability></Disabilities>"
        "</ChildCharacteristics>"
        f"{''.join(episodes or (episode(),))}</Child>"
    )


def census(*children: str, year: int = 2024, reference: str = "", root: str = "Message") -> str:
    """A return of ``children``; ``reference="-"`` leaves the reference date out (the year
    then comes from <Year>)."""
    reference = reference or f"{year}-03-31"
    dated = "" if reference == "-" else f"<ReferenceDate>{reference}</ReferenceDate>"
    return (
        f"<{root}><Header><CollectionDetails><Collection>CIN</Collection>"
        f"<Year>{year}</Year>{dated}</CollectionDetails>"
        "<Source><SourceLevel>L</SourceLevel><LEA>999</LEA></Source></Header>\n"
        "<Children>\n" + "\n".join(children) + f"\n</Children></{root.split()[0]}>\n"
    )


def write(tmp: Path, text: str, name: str = "return.xml") -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path
