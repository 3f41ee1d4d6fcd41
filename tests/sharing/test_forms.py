"""The basis question on every share form: the law's choices only, each part named when it is
missing, and consent shown for what it is."""

from __future__ import annotations

import re

import pytest

from locus.api.forms import TokenForm
from locus.casework.forms import ConferenceRecordForm, ReferralForm
from locus.exports.forms import WhyForm
from locus.mapping.forms import ProposeForm, ShareForm
from locus.panels.forms import PanelForm
from locus.sharing.forms import BasisForm
from locus.sharing.models import Share
from locus.sharing.vocab import CONSENT_WARNING, Article6, legacy_basis
from locus.web.break_glass import RequestForm
from tests.factories import World, client_for
from tests.profiles.pages import errors_of
from tests.sharing.helpers import soon_posted

SHARE_FORMS = (
    ProposeForm,
    ShareForm,
    PanelForm,
    ConferenceRecordForm,
    ReferralForm,
    WhyForm,
    TokenForm,
    RequestForm,
)


def test_every_share_form_asks_the_same_basis() -> None:
    assert all(issubclass(form, BasisForm) for form in SHARE_FORMS)


def test_legitimate_interests_is_not_offered_and_consent_is_last() -> None:
    # Article 6(1)(f) is not available to a public authority for its tasks.
    assert "6_1_f" not in Article6.values
    assert Article6.values[0] == Article6.PUBLIC_TASK
    assert Article6.values[-1] == Article6.CONSENT


@pytest.mark.django_db
def test_a_share_form_without_a_basis_is_refused_with_each_field_named(world: World) -> None:
    response = client_for(world.social_worker).post(
        "/account/api-tokens/", {"name": "Dashboard", "expires_on": soon_posted()}
    )
    assert errors_of(response.content.decode()) == [
        "Choose the UK GDPR article 6 basis for sharing",
        "Choose the condition for special category or criminal offence data, or say none is shared",
        "Choose the statutory duty or power",
        "Say what the sharing is for",
    ]
    assert not Share.objects.exists()


@pytest.mark.django_db
def test_choosing_consent_shows_the_warning(world: World) -> None:
    client = client_for(world.social_worker)
    plain = client.get("/account/api-tokens/").content.decode()
    assert "govuk-warning-text" not in plain.split("Lawful basis for sharing")[1]
    response = client.post("/account/api-tokens/", {"name": "", "article6": Article6.CONSENT})
    html = response.content.decode()
    assert CONSENT_WARNING.replace("'", "&#x27;") in html
    # Said on every form too, beside the choices: consent is not the usual basis.
    assert re.search(r"Consent: article 6\(1\)\(a\)</dt><dd[^>]*>Not the usual basis", plain)


def test_old_bases_map_to_public_task_and_safeguarding_with_their_duty() -> None:
    assert legacy_basis("ca1989_s47", "").text.startswith("Public task: article 6(1)(e)")
    assert legacy_basis("consent", "").article6 == Article6.CONSENT
    assert legacy_basis("other", "Localism Act").duty_other == "Localism Act"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page",
    [
        "/account/api-tokens/",
        "/context-cases/referrals/new/",
        "/panels/new/",
        "/exports/people/?format=csv",
        "/sharing/",
    ],
)
def test_share_forms_link_the_information_sharing_agreement(world: World, page: str) -> None:
    html = client_for(world.social_worker).get(page).content.decode()
    assert 'href="/policies/isa/"' in html


@pytest.mark.django_db
def test_the_emergency_and_meeting_share_forms_link_the_isa(world: World) -> None:
    from tests.mapping import helpers as mapping

    client = client_for(world.social_worker)
    emergency = client.get(f"/people/{world.yjs_child.pk}/emergency-access/").content.decode()
    assert 'href="/policies/isa/"' in emergency
    meeting = mapping.propose(world, agreed=False)
    share = f"/meetings/{meeting.pk}/children/{world.csc_child.pk}/share/"
    assert 'href="/policies/isa/"' in client.get(share).content.decode()
