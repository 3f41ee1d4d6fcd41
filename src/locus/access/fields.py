"""The fields of a person's record, named once.

Which of these a viewer may see is decided in ``access/`` (by role and agency
kind, and by what a forum share carried), never in a template: a page, a map,
an export and the admin all ask the same question.
"""

from __future__ import annotations

from django.db import models


class PersonField(models.TextChoices):
    NAME = "name", "Name"
    AGE = "age", "Age"
    DATE_OF_BIRTH = "date_of_birth", "Date of birth"
    SEX = "sex", "Sex"
    ETHNICITY = "ethnicity", "Ethnicity"
    UPN = "upn", "Unique pupil number (UPN)"
    NHS_NUMBER = "nhs_number", "NHS number"
    LA_CHILD_ID = "la_child_id", "LA child ID"
    HOME_ADDRESS = "home_address", "Home address"
    LEGAL_STATUS = "legal_status", "Social care and youth justice status"


ALL_PERSON_FIELDS: frozenset[str] = frozenset(PersonField.values)
