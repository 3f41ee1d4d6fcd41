"""Calling the JSON API as a persona: a token made through the service, sent as a bearer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from locus.access.api import secret_hash
from locus.access.models import Worker
from locus.api.models import ApiToken
from locus.api.services import token_create
from locus.audit.models import ChangeAction, ChangeEvent
from locus.sharing.models import Share
from tests.sharing.helpers import token_args

BASE = "/api/v1"


class ApiClient:
    """A program holding ``worker``'s token (and no session)."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.secret = token_create(
            **token_args(), actor=worker, name=f"tests {worker.username}"
        ).secret
        self.client = Client()

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"{BASE}{path}", params, HTTP_AUTHORIZATION=f"Bearer {self.secret}")

    def ok(self, path: str, **params: Any) -> Any:
        response = self.get(path, **params)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
        return response.json()


def api_as(worker: Worker) -> ApiClient:
    return ApiClient(worker)


def assert_ended(program: ApiClient, note: str, actor: Worker) -> ApiToken:
    """``program``'s token no longer reads (401), and its end is recorded by ``actor`` with
    ``note``: in the change trail, and as its sharing-register row's end note."""
    assert program.get("/people").status_code == 401
    token = ApiToken.objects.get(secret_hash=secret_hash(program.secret))
    assert token.revoked_at is not None
    ended = ChangeEvent.objects.get(
        record_type="api.apitoken", record_id=str(token.pk), action=ChangeAction.END
    )
    assert ended.actor == actor and ended.after["reason"] == note
    share = Share.objects.get(source_type="api.apitoken", source_id=str(token.pk))
    assert share.until is not None and share.until - token.revoked_at < dt.timedelta(seconds=5)
    assert share.until_note.endswith(note)
    return token
