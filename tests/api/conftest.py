"""Calling the JSON API as a persona: a token made through the service, sent as a bearer."""

from __future__ import annotations

from typing import Any

from django.test import Client

from locus.access.models import Worker
from locus.api.services import token_create
from tests.sharing.helpers import TOKEN_SHARE

BASE = "/api/v1"


class ApiClient:
    """A program holding ``worker``'s token (and no session)."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.secret = token_create(
            **TOKEN_SHARE, actor=worker, name=f"tests {worker.username}"
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
