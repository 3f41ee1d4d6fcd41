"""The administrator's pages of every worker's live API tokens (access/api.py)."""

from django.urls import URLPattern, URLResolver

from locus.api import views
from locus.common.urls import routes

urlpatterns: list[URLPattern | URLResolver] = [
    *routes(
        ("", views.live_tokens_page, "api-tokens-live"),
        ("<int:token_id>/revoke/", views.token_revoke_any_page, "api-token-revoke-any"),
    )
]
