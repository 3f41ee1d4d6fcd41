"""An administrator (the IT administrator) lists every worker's live API tokens and revokes
any of them with a reason: a worker leaving, a token seen in a log. The token stops at once,
the reason is kept in the change trail and the sharing register, and the holder is told.
Nobody else sees the list or the form (404)."""

from __future__ import annotations

import pytest
from django.test import Client

from locus.access.menu import menu_for
from locus.api import services
from locus.api.models import ApiToken
from locus.api.services import token_revoke
from locus.audit.models import AccessAction, AccessEvent
from locus.common import clock
from locus.common.errors import NotPermitted, ValidationFailed
from locus.notifications.models import Notification, NotificationKind
from locus.notifications.services import on_day
from locus.sharing.models import Share
from tests.api.conftest import ApiClient, api_as, assert_ended
from tests.factories import World, client_for, nothing_written
from tests.frozen_clock import FrozenClock
from tests.profiles.pages import assert_strict_page, errors_of

pytestmark = pytest.mark.django_db

LIST = "/data/api-tokens/"
REASON = "Left the council on Friday; token seen in the proxy log"


def revoke_url(token: ApiToken) -> str:
    return f"{LIST}{token.pk}/revoke/"


def token_of(program: ApiClient) -> ApiToken:
    return ApiToken.objects.get(worker=program.worker)


def test_an_administrator_revokes_a_workers_token_with_a_reason(world: World) -> None:
    program, others = api_as(world.social_worker), api_as(world.teammate)
    token = token_of(program)
    services.token_revoke_any(actor=world.admin, token=token, reason=f"  {REASON} ")
    assert_ended(program, REASON, world.admin)
    assert others.get("/people").status_code == 200
    told = Notification.objects.get(recipient=world.social_worker)
    assert told.kind == NotificationKind.API_TOKEN_REVOKED
    revoked_on = on_day(clock.day_of(ApiToken.objects.get(pk=token.pk).revoked_at))
    assert told.text == (
        f"Your API token {token.prefix} was revoked by {world.admin} on {revoked_on}: "
        "why is on your API tokens page"
    )
    assert told.url == "/account/api-tokens/"
    assert told.text in client_for(world.social_worker).get("/my-work/").content.decode()
    # Told once, and the holder's own list says it is revoked, and why.
    mine = client_for(world.social_worker).get("/account/api-tokens/").content.decode()
    assert f"by an administrator: {REASON}" in mine


def test_the_notice_keeps_the_administrators_words_out_and_links_to_them(
    world: World,
) -> None:
    """The holder's notification (read in the header's list, My work, their notifications
    page) says that their token was revoked and where to read why, never the administrator's
    free text: free text stays out of notifications. Their tokens page, theirs alone, shows
    the reason. Failed before: the reason was in the notification's text."""
    program = api_as(world.social_worker)
    token = token_of(program)
    services.token_revoke_any(actor=world.admin, token=token, reason=REASON)
    told = Notification.objects.get(recipient=world.social_worker)
    assert "proxy" not in told.text and token.name not in told.text
    assert told.url == "/account/api-tokens/"
    assert REASON in client_for(world.social_worker).get(told.url).content.decode()
    # Another worker's tokens page says nothing of it.
    assert REASON not in client_for(world.teammate).get(told.url).content.decode()
    assert ApiToken.objects.get(pk=token.pk).revoked_reason == REASON


def test_the_reason_is_required_and_named(world: World) -> None:
    program = api_as(world.social_worker)
    token = token_of(program)
    with nothing_written(ApiToken, Notification), pytest.raises(ValidationFailed) as refused:
        services.token_revoke_any(actor=world.admin, token=token, reason="   ")
    assert refused.value.errors == {"reason": ["Enter why the token is revoked"]}
    with pytest.raises(ValidationFailed) as refused:
        services.token_revoke_any(actor=world.admin, token=token, reason="x" * 91)
    assert refused.value.errors == {"reason": ["The reason must be 90 characters or fewer"]}
    # On the page: the error summary names the field and links to it.
    page = client_for(world.admin).post(revoke_url(token), {"reason": ""})
    assert page.status_code == 200
    html = page.content.decode()
    assert errors_of(html) == ["Enter why the token is revoked"]
    assert 'href="#id_reason"' in html
    assert program.get("/people").status_code == 200


def test_the_list_shows_live_tokens_without_secrets_and_its_read_is_logged(
    world: World, frozen_clock: FrozenClock
) -> None:
    program = api_as(world.social_worker)
    live = token_of(program)
    revoked = api_as(world.teammate)
    token_revoke(actor=world.teammate, token=token_of(revoked))
    page = client_for(world.admin).get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert_strict_page(html)
    assert world.social_worker.get_full_name() in html and live.prefix in html
    assert live.name in html and revoke_url(live) in html
    assert program.secret not in html and live.secret_hash not in html
    assert token_of(revoked).prefix not in html  # revoked: not live
    read = AccessEvent.objects.filter(actor=world.admin, record_type="api.apitoken").last()
    assert read is not None and read.action == AccessAction.SEARCH
    assert read.detail["shown"] == [str(live.pk)]
    # An expired token is not live either, and cannot be revoked again.
    frozen_clock.advance(days=40)
    assert live.prefix not in client_for(world.admin).get(LIST).content.decode()
    assert client_for(world.admin).get(revoke_url(live)).status_code == 404


def test_the_revoke_page_posts_the_reason_and_returns_to_the_list(world: World) -> None:
    program = api_as(world.police_analyst)
    token = token_of(program)
    admin = client_for(world.admin)
    form = admin.get(revoke_url(token))
    assert form.status_code == 200
    html = form.content.decode()
    assert_strict_page(html)
    assert token.prefix in html and 'name="reason"' in html and program.secret not in html
    shown = AccessEvent.objects.filter(actor=world.admin, record_id=str(token.pk)).last()
    assert shown is not None and shown.record_type == "api.apitoken"
    response = admin.post(revoke_url(token), {"reason": REASON})
    assert response.status_code == 302 and response["Location"] == LIST
    assert_ended(program, REASON, world.admin)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    # Once revoked it is no longer there to revoke.
    assert admin.post(revoke_url(token), {"reason": REASON}).status_code == 404


@pytest.mark.parametrize(
    "persona", ["social_worker", "team_manager", "auditor", "police_analyst", "teammate"]
)
def test_nobody_but_an_administrator_lists_or_revokes_others_tokens(
    world: World, persona: str
) -> None:
    program = api_as(world.other_social_worker)
    token = token_of(program)
    worker = getattr(world, persona)
    client = client_for(worker)
    with nothing_written(ApiToken, Notification):
        assert client.get(LIST).status_code == 404
        assert client.get(revoke_url(token)).status_code == 404
        assert client.post(revoke_url(token), {"reason": REASON}).status_code == 404
        with pytest.raises(NotPermitted):
            services.token_revoke_any(actor=worker, token=token, reason=REASON)
    assert program.get("/people").status_code == 200
    assert not menu_for(worker).live_tokens
    assert LIST not in client.get("/").content.decode()


def test_the_administrator_is_offered_the_page(world: World) -> None:
    assert menu_for(world.admin).live_tokens
    assert f'href="{LIST}"' in client_for(world.admin).get("/").content.decode()


def test_the_revoke_form_needs_its_csrf_token(world: World) -> None:
    program = api_as(world.social_worker)
    token = token_of(program)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    with nothing_written(ApiToken, Notification):
        response = client.post(revoke_url(token), {"reason": REASON})
    assert response.status_code == 403
    assert program.get("/people").status_code == 200


def test_the_end_note_fits_the_register(world: World) -> None:
    token = token_of(api_as(world.social_worker))
    services.token_revoke_any(actor=world.admin, token=token, reason="y" * 90)
    share = Share.objects.get(source_type="api.apitoken", source_id=str(token.pk))
    assert share.until_note == "Revoked by an administrator: " + "y" * 90
