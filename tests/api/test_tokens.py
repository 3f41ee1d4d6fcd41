"""A worker's API tokens: made on their own page (the secret shown once), listed, revoked;
a token stops working when revoked, expired or its worker deactivated; guessing is slowed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from locus.access import api as rules
from locus.access.models import Worker
from locus.api.models import ApiToken
from locus.api.services import MAX_DAYS, MAX_LIVE_TOKENS, token_create, token_revoke
from locus.api.views import SIGN_IN_AGAIN
from locus.audit.models import AccessEvent, ChangeAction, ChangeEvent
from locus.common import clock
from locus.common.errors import NotPermitted, ValidationFailed
from locus.sharing.models import Share
from locus.signin.middleware import SIGNED_IN_AT, wall_clock
from tests.api.conftest import BASE, api_as
from tests.factories import World, client_for, nothing_written
from tests.frozen_clock import FrozenClock
from tests.profiles.pages import errors_of
from tests.sharing.helpers import SHARE_POST, TOKEN_SHARE, soon_posted, token_args

pytestmark = pytest.mark.django_db

PAGE = "/account/api-tokens/"
UNAUTHORIZED = {
    "error": {
        "code": "unauthorized",
        "message": "A valid token is needed: Authorization: Bearer <token>",
        "field": None,
    }
}


def bearer(secret: str, path: str = "/people") -> object:
    return Client().get(f"{BASE}{path}", HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_token_made_on_the_page_is_shown_once_and_only_its_hash_is_kept(world: World) -> None:
    page = client_for(world.social_worker)
    made = page.post(PAGE, {"name": "Team dashboard", "expires_on": soon_posted(), **SHARE_POST})
    assert made.status_code == 200
    secret = re.search(rb'id="api-token-secret">([^<]+)<', made.content).group(1).decode()
    token = ApiToken.objects.get(worker=world.social_worker)
    assert secret.startswith(rules.TOKEN_PREFIX) and token.prefix == secret[: len(token.prefix)]
    assert token.secret_hash == rules.secret_hash(secret) and secret not in str(
        ApiToken.objects.values().get()
    )
    # Listed by name and prefix; the secret never again, on the list or anywhere in the trail.
    listed = page.get(PAGE)
    assert b"Team dashboard" in listed.content and token.prefix.encode() in listed.content
    assert secret.encode() not in listed.content
    created = ChangeEvent.objects.get(record_type="api.apitoken", action=ChangeAction.CREATE)
    assert secret not in str(created.after) and token.secret_hash not in str(created.after)
    response = bearer(secret)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_only_my_own_tokens_are_listed_and_revocable(world: World) -> None:
    mine = token_create(**token_args(), actor=world.social_worker, name="mine").token
    theirs = token_create(**token_args(), actor=world.teammate, name="theirs").token
    page = client_for(world.social_worker)
    listed = page.get(PAGE).content
    assert b"mine" in listed and b"theirs" not in listed and theirs.prefix.encode() not in listed
    # Another worker's token is "not found", revoked or not, even to an administrator.
    assert page.post(f"{PAGE}{theirs.pk}/revoke/").status_code == 404
    assert client_for(world.admin).post(f"{PAGE}{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    with pytest.raises(NotPermitted):
        token_revoke(actor=world.social_worker, token=theirs)
    assert page.post(f"{PAGE}{mine.pk}/revoke/").status_code == 302
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    ended = ChangeEvent.objects.get(record_type="api.apitoken", action=ChangeAction.END)
    assert ended.record_id == str(mine.pk) and ended.actor == world.social_worker


def test_a_revoked_token_stops_working_at_once(world: World) -> None:
    made = token_create(**token_args(), actor=world.social_worker, name="x")
    assert bearer(made.secret).status_code == 200
    token_revoke(actor=world.social_worker, token=made.token)
    response = bearer(made.secret)
    assert response.status_code == 401 and response.json() == UNAUTHORIZED
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_stops_working(world: World, frozen_clock: FrozenClock) -> None:
    made = token_create(
        **TOKEN_SHARE,
        actor=world.social_worker,
        name="x",
        expires_on=frozen_clock.now.date() + dt.timedelta(1),
    )
    assert bearer(made.secret).status_code == 200
    frozen_clock.advance(days=2)
    assert bearer(made.secret).status_code == 401
    with pytest.raises(ValidationFailed):
        token_create(
            **TOKEN_SHARE, actor=world.social_worker, name="x", expires_on=frozen_clock.now.date()
        )


def test_a_deactivated_workers_tokens_stop_working(world: World) -> None:
    made = token_create(**token_args(), actor=world.social_worker, name="x")
    Worker.objects.filter(pk=world.social_worker.pk).update(is_active=False)
    assert bearer(made.secret).status_code == 401


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer locus_nothing", "Bearer not-a-locus-token", "Basic dXNlcjpwYXNz"],
)
def test_an_unknown_or_missing_token_is_401_in_json(world: World, header: str) -> None:
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = Client().get(f"{BASE}/people", **extra)
    assert response.status_code == 401 and response.json() == UNAUTHORIZED


def test_a_signed_in_session_is_no_way_into_the_api(world: World) -> None:
    """No session auth: a browser signed in to Locus gets 401, not a redirect or data."""
    response = client_for(world.social_worker).get(f"{BASE}/people")
    assert response.status_code == 401 and response.json() == UNAUTHORIZED


def test_failed_attempts_are_limited_with_429(world: World) -> None:
    good = token_create(**token_args(), actor=world.social_worker, name="x").secret
    for _ in range(rules.FAILED_LIMIT):
        assert bearer("locus_wrong").status_code == 401
    refused = bearer("locus_wrong")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_requests"
    # Wrong tokens sent from the same address cannot lock out a worker's program: a right
    # token still reads (guessing 32 random bytes is hopeless, right or wrong answered).
    assert bearer(good).status_code == 200
    assert bearer("locus_wrong").status_code == 429


def test_the_admin_never_shows_a_secret_or_its_hash(world: World) -> None:
    made = token_create(**token_args(), actor=world.social_worker, name="x")
    world.admin.is_superuser = True
    world.admin.is_staff = True
    world.admin.save()
    admin = client_for(world.admin)
    page = admin.get(f"/admin/api/apitoken/{made.token.pk}/change/")
    assert page.status_code == 200
    assert made.secret.encode() not in page.content
    assert made.token.secret_hash.encode() not in page.content
    # Nobody makes a token there (a secret would have to be shown): "not found", as forbidden.
    assert admin.get("/admin/api/apitoken/add/").status_code == 404


def test_reading_tokens_in_the_admin_is_in_the_access_trail(world: World) -> None:
    """The admin lists every worker's tokens (worker, name, prefix, last use), as the
    administrator's live tokens page does, and its reads are logged as that page's are."""
    made = token_create(**token_args(), actor=world.social_worker, name="x")
    admin = client_for(world.admin)
    listed = admin.get("/admin/api/apitoken/")
    assert listed.status_code == 200 and made.token.prefix in listed.content.decode()
    page = admin.get(f"/admin/api/apitoken/{made.token.pk}/change/")
    assert page.status_code == 200 and made.token.prefix in page.content.decode()
    read = AccessEvent.objects.filter(actor=world.admin, record_type="api.apitoken")
    assert read.filter(detail__via="admin list").exists()
    assert read.filter(record_id=str(made.token.pk), detail__via="admin form").exists()


def test_the_tokens_page_is_in_the_account_area_and_its_read_logged(world: World) -> None:
    home = client_for(world.auditor).get("/")
    assert PAGE.encode() in home.content
    client_for(world.auditor).get(PAGE)
    assert AccessEvent.objects.filter(actor=world.auditor, record_type="api.apitoken").exists()


def test_the_api_reads_as_the_tokens_worker(world: World) -> None:
    """Reads are the token owner's: another worker's token sees what that worker sees."""
    social, police = api_as(world.social_worker), api_as(world.police_analyst)
    assert social.get(f"/people/{world.csc_child.pk}").status_code == 200
    assert police.get(f"/people/{world.csc_child.pk}").status_code == 404


def test_a_token_works_to_the_end_of_its_expiry_day(
    world: World, frozen_clock: FrozenClock
) -> None:
    frozen_clock.at(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC))
    made = token_create(
        **TOKEN_SHARE, actor=world.social_worker, name="x", expires_on=dt.date(2026, 6, 2)
    )
    frozen_clock.at(dt.datetime(2026, 6, 2, 22, 59, tzinfo=dt.UTC))  # 23:59 in London
    assert bearer(made.secret).status_code == 200
    frozen_clock.at(dt.datetime(2026, 6, 2, 23, 0, tzinfo=dt.UTC))  # midnight in London
    assert bearer(made.secret).status_code == 401


def test_every_token_has_an_expiry_within_a_year(world: World) -> None:
    """A token nobody remembers (a dashboard's, after its maker moved on) must stop by
    itself: there is no token without an expiry, nor one further than MAX_DAYS ahead."""
    worker = world.social_worker
    with pytest.raises(ValidationFailed) as refused:
        token_create(**token_args(expires_on=None), actor=worker, name="x")
    assert refused.value.errors == {"expires_on": ["Enter the expiry date"]}
    too_far = clock.today() + dt.timedelta(days=MAX_DAYS + 1)
    with pytest.raises(ValidationFailed) as refused:
        token_create(**token_args(expires_on=too_far), actor=worker, name="x")
    assert refused.value.errors == {
        "expires_on": [f"The expiry date must be within {MAX_DAYS} days"]
    }
    assert not ApiToken.objects.exists()
    furthest = clock.today() + dt.timedelta(days=MAX_DAYS)
    made = token_create(**token_args(expires_on=furthest), actor=worker, name="x").token
    assert made.expires_at.date() == furthest + dt.timedelta(days=1)
    share = Share.objects.get(source_type="api.apitoken", source_id=str(made.pk))
    assert share.until == made.expires_at and share.until_note == "Token expiry"


def test_the_form_asks_for_the_expiry_and_refuses_none(world: World) -> None:
    page = client_for(world.social_worker)
    form = page.get(PAGE).content.decode()
    assert "optional" not in form.lower() and "leave empty" not in form.lower()
    response = page.post(PAGE, {"name": "Team dashboard", "expires_on": "", **SHARE_POST})
    assert errors_of(response.content.decode()) == ["Enter the expiry date"]
    assert not ApiToken.objects.exists()


def test_a_worker_holds_at_most_a_few_working_tokens(
    frozen_clock: FrozenClock, world: World
) -> None:
    """The read limits are per token, so a worker with many tokens would read many times as
    fast: a sixth working token is refused, on the page as a GOV.UK error, and nothing is
    written. A revoked or expired token does not count."""
    worker = world.social_worker
    tomorrow = clock.today() + dt.timedelta(days=1)
    token_create(**token_args(expires_on=tomorrow), actor=worker, name="t0")
    tokens = [
        token_create(**token_args(), actor=worker, name=f"t{n}").token
        for n in range(1, MAX_LIVE_TOKENS)
    ]
    refusal = (
        f"You have {MAX_LIVE_TOKENS} working tokens and a worker may hold at most "
        f"{MAX_LIVE_TOKENS}: revoke one you no longer need before making another"
    )
    page = client_for(worker)
    assert f"at most {MAX_LIVE_TOKENS} working tokens at once" in page.get(PAGE).content.decode()
    with nothing_written(ApiToken, Share):
        with pytest.raises(ValidationFailed) as refused:
            token_create(**token_args(), actor=worker, name="one too many")
        response = page.post(PAGE, {"name": "Sixth", "expires_on": soon_posted(), **SHARE_POST})
    assert refused.value.errors == {"__all__": [refusal]}
    page_text = response.content.decode()
    assert response.status_code == 200 and errors_of(page_text) == [refusal]
    assert "<title>Error: Your API tokens" in page_text
    # Another worker's tokens are theirs to count.
    token_create(**token_args(), actor=world.teammate, name="theirs")

    frozen_clock.advance(days=2)  # t0 has expired
    token_create(**token_args(), actor=worker, name="after t0 expired")
    with pytest.raises(ValidationFailed):
        token_create(**token_args(), actor=worker, name="one too many")
    token_revoke(actor=worker, token=tokens[0])
    token_create(**token_args(), actor=worker, name="in place of t1")


def test_a_token_is_made_only_soon_after_signing_in(world: World) -> None:
    """A browser left signed in (or a session cookie taken from one) cannot make a token that
    would read as the worker long after that session ends: past FRESH_SIGN_IN, the page asks
    them to sign in again and makes nothing."""
    page = client_for(world.social_worker)
    session = page.session
    session[SIGNED_IN_AT] = wall_clock() - rules.FRESH_SIGN_IN - 1
    session.save()
    posted = {"name": "Team dashboard", "expires_on": soon_posted(), **SHARE_POST}
    refused = page.post(PAGE, posted)
    assert refused.status_code == 200
    assert SIGN_IN_AGAIN in errors_of(refused.content.decode())
    assert b"api-token-secret" not in refused.content
    assert not ApiToken.objects.filter(worker=world.social_worker).exists()
    # Signed in again: the same form makes the token.
    again = client_for(world.social_worker)
    assert b"api-token-secret" in again.post(PAGE, posted).content
    assert ApiToken.objects.filter(worker=world.social_worker).count() == 1
