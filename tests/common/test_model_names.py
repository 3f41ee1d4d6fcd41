"""What records are called where Django names them: the admin site's lists and the audit
trail's record types read as English ("People", "Children at meetings", "API tokens"), not as
the class name with an "s" added ("Persons", "Meeting childs", "Api tokens")."""

from __future__ import annotations

import re

import pytest
from django.apps import apps

from locus.audit.forms import record_type_choices
from tests.factories import World, client_for


def _named_like(pattern: str, attribute: str) -> dict[str, str]:
    """The Locus record types whose ``attribute`` (verbose name or plural) matches."""
    said = {
        m._meta.label_lower: str(getattr(m._meta, attribute))
        for m in apps.get_models()
        if m.__module__.startswith("locus.")
    }
    return {label: name for label, name in said.items() if re.search(pattern, name)}


def test_no_record_type_is_named_by_adding_an_s_to_its_class_name() -> None:
    assert _named_like(r"(childs|persons|sss)$", "verbose_name_plural") == {}


def test_no_record_type_spells_an_abbreviation_in_lower_case() -> None:
    assert _named_like(r"\b(cin|api|cp)\b", "verbose_name") == {}


@pytest.mark.django_db
def test_the_admin_site_lists_records_by_their_english_names(world: World) -> None:
    page = client_for(world.admin).get("/admin/").content.decode()
    for name in ("People", "Children at meetings", "Action progress", "API tokens"):
        assert f">{name}<" in page
    for wrong in ("Persons", "Meeting childs", "Action progresss", "Api tokens"):
        assert wrong not in page


@pytest.mark.django_db
def test_the_audit_trail_names_record_types_in_words() -> None:
    said = {noun for _, noun in record_type_choices()}
    assert {"Child in need assessment", "Co-presence rule", "API token"} <= said
    assert not {"Cin assessment", "Co presence rule", "Api token"} & said
